import { useEffect, useRef, useState } from 'preact/hooks';
import { html, Header, Text, Area, Select, Checks, useLoad, go, blankToNull, RecordField as F, saveChecked } from './common.js';
import { childrenOf, getRecord } from '../store.js';
import { isoLocal, makeUuid } from '../db.js';
import { toast, bump } from '../state.js';
import { refreshCounts } from '../sync.js';
import { photosWith } from '../photos.js';
import { PhotoPicker } from './photos.js';

const GPS_TIMEOUT_MS = 15000;

// A fix is asked for when the form opens; saving never waits for one.
function useFix() {
  const [fix, setFix] = useState({ state: 'wait' });
  useEffect(() => {
    if (!navigator.geolocation) return setFix({ state: 'none', why: '此设备不支持定位' });
    let live = true;
    const timer = setTimeout(() => live && setFix((f) => (f.state === 'wait' ? { state: 'none', why: '定位超时' } : f)), GPS_TIMEOUT_MS);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        if (!live) return;
        clearTimeout(timer);
        setFix({
          state: 'ok',
          gps: { lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: Math.round(p.coords.accuracy * 10) / 10 },
        });
      },
      (e) => live && setFix({ state: 'none', why: e.code === 1 ? '未允许定位' : '无法定位' }),
      { enableHighAccuracy: true, timeout: GPS_TIMEOUT_MS, maximumAge: 60000 },
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  return fix;
}

// A new visit, or (with `visit`) the correction of one by its author: a visit the server
// refused opens here to be fixed, its time and place kept as first recorded.
export function VisitForm({ household, visit }) {
  const rec = useLoad(() => getRecord('household', household), [household]);
  const earlier = useLoad(() => childrenOf('visit', household), [household]);
  const existing = useLoad(() => (visit ? getRecord('visit', visit) : Promise.resolve(null)), [visit]);
  const fix = useFix();
  const [kind, setKind] = useState(null);
  const [notes, setNotes] = useState(null);
  const [needs, setNeeds] = useState(null);
  const [follow, setFollow] = useState(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState({});
  const [photos, setPhotos] = useState([]);
  const id = useRef(visit || makeUuid());
  const was = existing?.data || {};
  const defaultKind = was.kind || (earlier && earlier.length ? 'revisit' : 'first_visit');

  async function submit(e) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const data = {
      household_id: household,
      kind: kind || defaultKind,
      occurred_at: was.occurred_at || isoLocal(),
      gps: was.occurred_at ? was.gps ?? null : fix.state === 'ok' ? fix.gps : null,
      notes: blankToNull(notes ?? was.notes),
      needs: needs ?? was.needs ?? [],
      follow_up_on: (follow ?? was.follow_up_on) || null,
    };
    // the photos in the visit's own transaction: saved with it or not at all
    const more = photos.length ? photosWith(id.current, photos, data.gps) : null;
    const op = await saveChecked('visit', id.current, data, { setErrors, more });
    if (op === undefined) return setBusy(false);
    await refreshCounts();
    bump();
    toast(op || photos.length ? '已保存，待同步' : '没有修改');
    go(`/h/${household}`);
  }

  return html`<${Header} title=${'走访 ' + (rec ? rec.data.head_name : '')} back=${`/h/${household}`} />
    <form class="form" onSubmit=${submit}>
      <${F} type="visit" name="kind" errors=${errors}><${Select} name="kind" type="visit" field="kind" blank=${false} value=${kind || defaultKind} onChange=${setKind} /><//>
      <${F} type="visit" name="notes" errors=${errors}><${Area} name="notes" value=${notes ?? was.notes ?? ''} onInput=${setNotes} rows="5" placeholder="家中情况、谈话内容" /><//>
      <${F} type="visit" name="needs" errors=${errors}><${Checks} type="visit" field="needs" value=${needs ?? was.needs ?? []} onChange=${setNeeds} /><//>
      <${F} type="visit" name="follow_up_on" errors=${errors}><${Text} name="follow_up_on" type="date" value=${follow ?? was.follow_up_on ?? ''} onInput=${setFollow} /><//>
      <${PhotoPicker} visit=${id.current} added=${photos} setAdded=${setPhotos} />
      <p class="sub" data-testid="gps">
        ${fix.state === 'ok'
          ? `已定位，精度约 ${Math.round(fix.gps.accuracy_m)} 米`
          : fix.state === 'wait'
            ? '正在定位…（不必等待，可直接保存）'
            : `没有定位：${fix.why}（仍可保存）`}
      </p>
      <p class="sub">时间以本机时间记录。</p>
      <button class="primary" type="submit" disabled=${busy}>保存走访</button>
    </form>`;
}
