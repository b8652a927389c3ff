// An accessibility check over the live DOM of one screen, run by run_e2e.py
// after every screenshot (axe-core is not available offline, so this is our
// own, smaller rule set). It is one expression: the driver evaluates it with
// `return <this file>` and gets back an array of findings
//   { rule, impact: "serious" | "moderate", target, message }.
// Rules:
//   label       every visible form control has an accessible name
//   name        every visible button and link has an accessible name
//   tabindex    no positive tabindex (it breaks the document's focus order)
//   hidden-focus no focusable element inside aria-hidden="true"
//   role        role attributes hold known ARIA roles; role="img" has a name
//   img-alt     images have alt text
//   duplicate-id ids are unique (labels and aria references depend on them)
//   aria-ref    aria-labelledby / aria-describedby / aria-controls and label[for] point at existing ids
//   contrast    text meets WCAG 2.x AA: 4.5:1, or 3:1 for large text (24px,
//               or 18.66px bold); disabled controls are exempt, as in WCAG
//   document    <html lang>, a non-empty <title>, one <main>, an <h1>
(function () {
  const findings = [];
  const add = (rule, impact, el, message) => findings.push({ rule, impact, target: describe(el), message });

  function describe(el) {
    if (!el || el.nodeType !== 1) return "document";
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    else if (el.classList.length) s += "." + [...el.classList].slice(0, 2).join(".");
    const text = (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? `${s} "${text}"` : s;
  }

  function visible(el) {
    if (!el.isConnected) return false;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  }

  function textOf(id) {
    const el = document.getElementById(id);
    return el ? (el.textContent || "").trim() : "";
  }

  function accessibleName(el) {
    const aria = (el.getAttribute("aria-label") || "").trim();
    if (aria) return aria;
    const by = (el.getAttribute("aria-labelledby") || "").trim();
    if (by) {
      const t = by.split(/\s+/).map(textOf).join(" ").trim();
      if (t) return t;
    }
    if (el.labels && el.labels.length) {
      const t = [...el.labels].map((l) => (l.textContent || "").trim()).join(" ").trim();
      if (t) return t;
    }
    const tag = el.tagName.toLowerCase();
    if (tag === "button" || tag === "a" || el.getAttribute("role") === "button" || el.getAttribute("role") === "link") {
      const t = (el.textContent || "").trim();
      if (t) return t;
      const img = el.querySelector("img[alt]");
      if (img && img.getAttribute("alt").trim()) return img.getAttribute("alt").trim();
    }
    if (tag === "input" && ["submit", "button", "reset"].includes(el.type) && el.value.trim()) return el.value.trim();
    return (el.getAttribute("title") || "").trim();
  }

  // label: form controls
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || !visible(el)) continue;
    if (["submit", "button", "reset"].includes(el.type)) continue;
    if (!accessibleName(el)) add("label", "serious", el, "form control without a label");
  }

  // name: buttons and links
  for (const el of document.querySelectorAll("button, a[href], [role=button], [role=link], input[type=submit], input[type=button]")) {
    if (!visible(el)) continue;
    if (!accessibleName(el)) add("name", "serious", el, "button or link without an accessible name");
  }

  // tabindex and aria-hidden focus traps
  for (const el of document.querySelectorAll("[tabindex]")) {
    if (Number(el.getAttribute("tabindex")) > 0) add("tabindex", "serious", el, `positive tabindex ${el.getAttribute("tabindex")} breaks the focus order`);
  }
  const focusable = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
  for (const hidden of document.querySelectorAll("[aria-hidden=true]")) {
    for (const el of [hidden, ...hidden.querySelectorAll(focusable)]) {
      if (el.matches(focusable) && visible(el)) add("hidden-focus", "serious", el, "focusable element inside aria-hidden");
    }
  }

  // roles
  const roles = new Set(("alert alertdialog application article banner button cell checkbox columnheader combobox complementary contentinfo " +
    "definition dialog directory document feed figure form grid gridcell group heading img link list listbox listitem log main marquee math " +
    "menu menubar menuitem menuitemcheckbox menuitemradio navigation none note option presentation progressbar radio radiogroup region row " +
    "rowgroup rowheader scrollbar search searchbox separator slider spinbutton status switch tab table tablist tabpanel term textbox timer " +
    "toolbar tooltip tree treegrid treeitem").split(" "));
  for (const el of document.querySelectorAll("[role]")) {
    const role = el.getAttribute("role").trim();
    if (!role.split(/\s+/).some((r) => roles.has(r))) add("role", "serious", el, `unknown role "${role}"`);
    if ((role === "img" || role === "region" || role === "dialog") && !accessibleName(el)) add("role", "serious", el, `role="${role}" without an accessible name`);
  }

  // images
  for (const el of document.querySelectorAll("img")) {
    if (!el.hasAttribute("alt") && visible(el)) add("img-alt", "serious", el, "image without alt");
  }

  // duplicate ids
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) {
    if (seen.has(el.id)) add("duplicate-id", "serious", el, `id "${el.id}" is used more than once`);
    seen.set(el.id, el);
  }

  // references
  for (const el of document.querySelectorAll("[aria-labelledby], [aria-describedby], [aria-controls]")) {
    for (const attr of ["aria-labelledby", "aria-describedby", "aria-controls"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) add("aria-ref", "serious", el, `${attr} points at missing id "${id}"`);
      }
    }
  }
  for (const el of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(el.htmlFor)) add("aria-ref", "serious", el, `label for missing id "${el.htmlFor}"`);
  }

  // contrast
  function parse(c) {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function over(top, bottom) {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (x, y) => (x * top.a + y * bottom.a * (1 - top.a)) / a;
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
  }
  function luminance(c) {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  }
  /** The background behind an element: its own and its ancestors' colours, composed; null over an image. */
  function background(el) {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== "none") return null;
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  }
  function opacity(el) {
    let o = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  }
  const checked = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || checked.has(el)) continue;
    checked.add(el);
    if (el.closest("option, script, style, [aria-hidden=true]") || !visible(el)) continue;
    if (el.closest("button:disabled, input:disabled, select:disabled, textarea:disabled, [aria-disabled=true]")) continue;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (r.right < 0 || r.left > window.innerWidth + 2000) continue; // moved off screen (skip links, sr-only)
    if (s.clip === "rect(0px, 0px, 0px, 0px)" || (r.width <= 1 && r.height <= 1)) continue;
    const bg = background(el);
    const fg0 = parse(s.color);
    if (!bg || !fg0) continue;
    if (opacity(el) < 1) continue; // faded on purpose (e.g. disabled); not text the user must read
    const fg = over(fg0, bg);
    const l1 = luminance(fg), l2 = luminance(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(s.fontSize);
    const bold = Number(s.fontWeight) >= 700 || s.fontWeight === "bold";
    const large = size >= 24 || (size >= 18.66 && bold);
    const need = large ? 3 : 4.5;
    if (ratio + 0.005 < need) add("contrast", "serious", el, `contrast ${ratio.toFixed(2)}:1 < ${need}:1 (${s.color} on rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)}), ${size}px)`);
  }

  // document
  if (!document.documentElement.getAttribute("lang")) add("document", "serious", document.documentElement, "<html> without lang");
  if (!document.title.trim()) add("document", "serious", document.documentElement, "empty <title>");
  if (document.querySelectorAll("main").length !== 1) add("document", "moderate", document.body, `${document.querySelectorAll("main").length} <main> elements`);
  if (!document.querySelector("h1")) add("document", "moderate", document.body, "no <h1>");
  return findings;
})()
