"""Text a cadre must read in sunlight (issue 16): nothing below 14 px, and every text at
WCAG AA contrast (4.5:1) against what lies behind it — on the phone's screens and the
console's, measured in real Chromium from the computed styles."""

from collections.abc import Callable

import pytest

from tests.conftest import County, LiveServer
from tests.pwa.conftest import Phone, api_login, seed_households
from tests.pwa.test_console import desk, open_console

pytestmark = pytest.mark.browser

# Every visible element holding text of its own: its size and its contrast with the first
# opaque background behind it (disabled controls are exempt under WCAG).
UNREADABLE = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const over = ([r, g, b, a = 1], [R, G, B]) => [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
  function background(el) {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 4 && c[3] === 0) continue;
      layers.push(c);
      if (c.length === 3 || c[3] === 1) break;
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255]);
  }
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!el.getClientRects().length || el.closest('svg, [disabled], option')) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden') continue;
    const bg = background(el);
    const fg = over(rgb(st.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(st.fontSize);
    if (size < 14 || ratio < 4.5) out.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 20)}" ${size}px ${ratio.toFixed(2)}:1`);
  }
  return out;
}"""


def unreadable(phone: Phone) -> list[str]:
    phone.page.wait_for_timeout(300)
    return list(phone.page.evaluate(UNREADABLE))


def test_phone_and_console_text_is_at_least_14px_and_aa(
    county: County, live_server: Callable[..., LiveServer], phones: Callable[..., Phone]
) -> None:
    server = live_server()
    village = county.village_a
    group = county.groups[village][0]
    seed_households(server, village, [group], 3)
    api_login(server, "cadre_b", "ux-api-client")
    phone = phones(server, "a")
    phone.open()
    phone.login("cadre_a")
    phone.wait_controlled()
    seen = {}
    for path in ("/", f"/v/{village}/g/{group}", "/outbox", "/settings"):
        phone.go(path)
        seen[path] = unreadable(phone)

    admin = desk(phones, server, "admin")
    for path in ("health", "people", "conflicts"):
        open_console(admin, path)
        admin.page.wait_for_load_state("networkidle")
        seen[f"console/{path}"] = unreadable(admin)
    assert {k: v for k, v in seen.items() if v} == {}
