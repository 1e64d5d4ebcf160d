// A group's condition map in the phone's store. The map is a `condition_map` record; every
// stroke, pin and label is a `map_element` record of its own, saved through the same store
// and outbox as every record (one transaction: the record and its op), so it syncs, merges
// and conflicts like the rest. Map elements are filed under their map (`grp` = map_id).
import { db, deviceId, makeUuid } from '../db.js';
import { deleteRecord, getRecord, households, saveRecord } from '../store.js';
import { groupMapId, maxElements } from './geometry.js';
import { check } from '../schema.js';

export const MAP_W = 1000;
export const MAP_H = 1000;

export async function mapOfGroup(village, group) {
  const d = await db();
  const maps = (await d.getAllFromIndex('records', 'group', ['condition_map', village, group])).filter((m) => !m.deleted);
  if (!maps.length) return null;
  // the group's own (derived) id first, so every phone opens the same map
  const own = groupMapId(village, group);
  return maps.find((m) => m.id === own) || maps.sort((a, b) => a.id.localeCompare(b.id))[0];
}

export async function elementsOf(mapId) {
  const d = await db();
  return (await d.getAllFromIndex('records', 'hh', ['map_element', mapId])).filter((e) => !e.deleted);
}

// Everything the map screen draws, read in one go.
export async function loadGroupMap(village, group) {
  const map = await mapOfGroup(village, group);
  const [elements, homes, conflicts, device] = await Promise.all([
    map ? elementsOf(map.id) : [],
    households(village, group),
    (async () => (await db()).getAll('conflicts'))(),
    deviceId(),
  ]);
  const ids = new Set(elements.map((e) => e.id));
  const byId = {};
  for (const h of homes) if (!h.deleted) byId[h.id] = h.data;
  return {
    map,
    elements,
    households: byId,
    conflicts: conflicts.filter((c) => ids.has(c.record_id) && c.status !== 'resolved'),
    device,
  };
}

export async function createGroupMap(village, group, title) {
  const id = groupMapId(village, group);
  await saveRecord('condition_map', id, { village_code: village, group_code: group, title, width: MAP_W, height: MAP_H });
  return getRecord('condition_map', id);
}

export class LimitError extends Error {}

// Saves answer the element's record as stored (null: nothing was saved).
export async function addElement(mapId, values, liveCount) {
  if (liveCount >= maxElements()) {
    throw new LimitError(`每张民情地图最多 ${maxElements()} 个元素（线条、农户标记、文字），本图已满。可用橡皮擦去不用的线条后再画。`);
  }
  // Refused here, with the server's words, what the server would refuse (a label too long).
  const errors = check('map_element', { map_id: mapId, ...values });
  if (errors.length) throw new LimitError(errors[0].message);
  const id = makeUuid();
  await saveRecord('map_element', id, { map_id: mapId, ...values });
  return getRecord('map_element', id);
}

export async function removeElement(id) {
  const rec = await getRecord('map_element', id);
  if (!rec || rec.deleted) return null;
  await deleteRecord('map_element', id);
  return rec;
}

export async function moveElement(id, x, y) {
  const rec = await getRecord('map_element', id);
  if (!rec || rec.deleted) return null;
  await saveRecord('map_element', id, { x, y });
  return getRecord('map_element', id);
}
