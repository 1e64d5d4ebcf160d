// The photo part of a visit: its thumbnails (from IndexedDB, so they show offline) and, on
// the form, the camera and the gallery — up to 3 photos, not offered when space is short.
import { useEffect, useState } from 'preact/hooks';
import { html, useLoad } from './common.js';
import { LOW_SPACE, VISIT_PHOTO, freeSpace, keepThumb, othersOf, photoKind, photosOf, preparePhoto } from '../photos.js';
import { NetworkError, request } from '../api.js';

const mb = (n) => (n / 1024 / 1024).toFixed(0);

function Thumb({ blob, note }) {
  const [url, setUrl] = useState('');
  useEffect(() => {
    if (!blob) return undefined;
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return html`<figure class="thumb">
    ${url ? html`<img src=${url} alt="走访照片" data-testid="photo-thumb" />` : null}
    ${note ? html`<figcaption class="sub">${note}</figcaption>` : null}
  </figure>`;
}

const noteOf = (p) => (p.error ? `未上传：${p.error}` : p.uploaded ? '' : '待上传');

// A visit's photos, for the family file's list of visits (or a measure's, `kind`): this
// phone's from IndexedDB, and other phones' fetched from the server once (online) and kept
// for offline after.
export function VisitPhotos({ visit, kind = VISIT_PHOTO }) {
  const got = useLoad(async () => ({ mine: await photosOf(visit), others: await othersOf(visit, kind) }), [visit]);
  if (!got || !(got.mine.length + got.others.length)) return null;
  return html`<span class="thumbs" data-testid="visit-photos">
    ${got.mine.map((p) => html`<${Thumb} key=${p.id} blob=${p.thumb} note=${noteOf(p)} />`)}
    ${got.others.map((id) => html`<${ServerThumb} key=${id} id=${id} keep=${visit} />`)}
  </span>`;
}

// The form's photos: those saved with the visit (the measure) before, and those added now
// (`added`), up to the kind's number.
export function PhotoPicker({ visit, added, setAdded, kind: type = VISIT_PHOTO }) {
  const kind = photoKind(type);
  const saved = useLoad(() => photosOf(visit), [visit]);
  const free = useLoad(freeSpace, []);
  const [busy, setBusy] = useState('');
  const count = (saved?.length || 0) + added.length;
  async function pick(e) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy('正在处理照片…');
    try {
      const p = await preparePhoto(file);
      setAdded([...added, p]);
      setBusy('');
    } catch (err) {
      setBusy(err.message);
    }
  }
  const short = free != null && free < LOW_SPACE;
  return html`<div class="field" data-testid="photos">
    <span class="label">照片（最多 ${kind.max} 张）</span>
    <div class="thumbs">
      ${(saved || []).map((p) => html`<${Thumb} key=${p.id} blob=${p.thumb} note=${noteOf(p)} />`)}
      ${added.map((p) => html`<${Thumb} key=${p.id} blob=${p.thumb} note="未保存" />`)}
    </div>
    ${short
      ? html`<p class="err" data-testid="photo-space">手机存储空间不足（剩余约 ${mb(free)} MB），请先同步或清理手机后再拍照</p>`
      : count < kind.max
        ? html`<div class="row-actions">
            <label class="button">拍照<input type="file" accept="image/*" capture="environment" hidden onChange=${pick} data-testid="photo-camera" /></label>
            <label class="button">从相册选择<input type="file" accept="image/*" hidden onChange=${pick} data-testid="photo-gallery" /></label>
          </div>`
        : null}
    ${busy ? html`<p class="sub" data-testid="photo-busy">${busy}</p>` : null}
  </div>`;
}

// A photo's thumbnail from the server (the county browser, the supervisor's evidence):
// fetched with the caller's token and shown from a blob URL, as an <img> cannot carry one.
export function ServerThumb({ id, keep = '' }) {
  const [got, setGot] = useState({ blob: null, note: '' });
  useEffect(() => {
    let live = true;
    request('GET', `/api/v1/photos/${id}/thumbnail`)
      .then((r) => r.blob())
      .then(
        (blob) => {
          if (keep) keepThumb(id, keep, blob); // the phone: shown offline from now on
          if (live) setGot({ blob, note: '' });
        },
        (e) => live && setGot({ blob: null, note: e instanceof NetworkError ? '联网后显示' : e.message }),
      );
    return () => (live = false);
  }, [id]);
  return html`<${Thumb} blob=${got.blob} note=${got.note} />`;
}
