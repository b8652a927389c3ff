// Clinic GraphQL explorer: vanilla JS, no dependencies, served from /graphql/explorer.js
// under a CSP without inline scripts. Everything is local to this closure.
(function () {
  "use strict";

  var ENDPOINT = "/graphql";
  var KEY = "clinic-explorer:";
  var DEFAULT_QUERY = "# Welcome to the clinic's GraphQL explorer.\n" +
    "# Ctrl-Enter (Cmd-Enter on a Mac) runs the query.\n" +
    "# Docs (right) lists every type; Insert adds a field.\n" +
    "# To sign in: run the login mutation, then under\n" +
    "# Headers: {\"Authorization\": \"Bearer <token>\"}\n" +
    "{\n  doctors(first: 5) {\n    nodes {\n      id\n      user {\n        fullName\n      }\n      specialization\n    }\n  }\n}\n";

  function $(id) { return document.getElementById(id); }
  var queryEl = $("query"), highlightEl = $("query-highlight"), varsEl = $("variables"), headersEl = $("headers");
  var varsMsg = $("variables-msg"), headersMsg = $("headers-msg");
  var resultEl = $("result"), errorsEl = $("result-errors"), statusEl = $("status");
  var runBtn = $("run"), opPicker = $("op-picker"), opSelect = $("operation");
  var docsBody = $("docs-body"), docsSearch = $("docs-search");

  // ---------- storage (never throws: private mode or disabled storage) ----------
  function load(name, fallback) {
    try { var v = window.localStorage.getItem(KEY + name); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { if (value === null) window.localStorage.removeItem(KEY + name); else window.localStorage.setItem(KEY + name, value); } catch (e) { /* ignore */ }
  }
  function loadJSON(name, fallback) {
    try { var v = load(name, null); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    }
    if (children) for (var i = 0; i < children.length; i++) {
      var c = children[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  // ---------- GraphQL lexer (for highlighting, operations and prettify) ----------
  // Token types: ws, comment, comma, punct, spread, string, block, number, name, error
  var LEX = /(\s+)|(#[^\n\r]*)|(,)|("""(?:\\"""|[^"]|"(?!""))*(?:"""|$))|("(?:\\.|[^"\\\n\r])*"?)|(\.\.\.)|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([_A-Za-z][_0-9A-Za-z]*)|([!$&()\[\]{}:=@|])|(.)/g;
  function lex(src) {
    var out = [], m;
    LEX.lastIndex = 0;
    while ((m = LEX.exec(src)) !== null) {
      var type = m[1] ? "ws" : m[2] ? "comment" : m[3] ? "comma" : m[4] ? "block" : m[5] ? "string" :
        m[6] ? "spread" : m[7] ? "number" : m[8] ? "name" : m[9] ? "punct" : "error";
      out.push({ type: type, text: m[0], start: m.index });
      if (m[0].length === 0) LEX.lastIndex++;
    }
    return out;
  }
  function significant(tokens) {
    return tokens.filter(function (t) { return t.type !== "ws" && t.type !== "comment" && t.type !== "comma"; });
  }

  var KEYWORDS = { query: 1, mutation: 1, subscription: 1, fragment: 1, on: 1, "true": 1, "false": 1, "null": 1 };

  // Classify tokens for colouring, tracking whether we are in a selection set or arguments.
  function classify(tokens) {
    var sig = significant(tokens), classes = new Map();
    var stack = []; // "sel" | "obj" | "args" | "vardefs" | "list"
    for (var i = 0; i < sig.length; i++) {
      var t = sig[i], prev = sig[i - 1], next = sig[i + 1], top = stack[stack.length - 1];
      var cls = "t-punct";
      if (t.type === "string" || t.type === "block") cls = "t-str";
      else if (t.type === "number") cls = "t-num";
      else if (t.type === "name") {
        if (prev && prev.text === "$") cls = "t-var";
        else if (prev && prev.text === "@") cls = "t-dir";
        else if (prev && prev.text === "on") cls = "t-type";
        else if (stack.indexOf("vardefs") >= 0 && stack.indexOf("obj") < 0 && prev && (prev.text === ":" || prev.text === "[")) cls = "t-type";
        else if (stack.length === 0 && (t.text === "query" || t.text === "mutation" || t.text === "subscription" || t.text === "fragment")) cls = "t-kw";
        else if (t.text === "on" && prev && (prev.type === "spread" || (stack.length === 0))) cls = "t-kw";
        else if ((top === "args" || top === "obj") && next && next.text === ":") cls = "t-arg";
        else if ((t.text === "true" || t.text === "false" || t.text === "null") && top !== "sel") cls = "t-kw";
        else if (top === "sel") cls = "t-field";
        else cls = "t-name";
      } else if (t.type === "punct") {
        if (t.text === "$" && next && next.type === "name") cls = "t-var";
        if (t.text === "@" && next && next.type === "name") cls = "t-dir";
        if (t.text === "{") stack.push(top === "args" || top === "obj" || top === "list" || top === "vardefs" ? "obj" : "sel");
        else if (t.text === "(") stack.push(stack.length === 0 ? "vardefs" : "args");
        else if (t.text === "[") stack.push("list");
        else if (t.text === "}" || t.text === ")" || t.text === "]") stack.pop();
      }
      classes.set(t, cls);
    }
    return classes;
  }

  function escapeHTML(s) {
    return s.replace(/[&<>"]/g, function (c) { return c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"; });
  }

  function renderHighlight() {
    var src = queryEl.value, tokens = lex(src), classes = classify(tokens), html = "";
    for (var i = 0; i < tokens.length; i++) {
      var t = tokens[i];
      if (t.type === "ws" || t.type === "comma") html += escapeHTML(t.text);
      else if (t.type === "comment") html += '<span class="t-com">' + escapeHTML(t.text) + "</span>";
      else html += '<span class="' + (classes.get(t) || "t-name") + '">' + escapeHTML(t.text) + "</span>";
    }
    // A trailing newline needs content after it or the pre is one line short of the textarea.
    highlightEl.innerHTML = html + "\n ";
    syncScroll();
  }
  function syncScroll() {
    highlightEl.scrollTop = queryEl.scrollTop;
    highlightEl.scrollLeft = queryEl.scrollLeft;
  }

  // ---------- operations in the document ----------
  function operations(src) {
    var sig = significant(lex(src)), ops = [], depth = 0;
    for (var i = 0; i < sig.length; i++) {
      var t = sig[i];
      if (t.text === "{" || t.text === "(" || t.text === "[") {
        if (depth === 0 && t.text === "{") ops.push({ type: "query", name: null, start: t.start });
        depth++;
      } else if (t.text === "}" || t.text === ")" || t.text === "]") depth = Math.max(0, depth - 1);
      else if (depth === 0 && t.type === "name") {
        if (t.text === "query" || t.text === "mutation" || t.text === "subscription") {
          var n = sig[i + 1], op = { type: t.text, name: n && n.type === "name" ? n.text : null, start: t.start };
          ops.push(op);
          // skip to its selection set
          while (i + 1 < sig.length && sig[i + 1].text !== "{") {
            i++;
            if (sig[i].text === "(") { var d = 1; while (d > 0 && i + 1 < sig.length) { i++; if (sig[i].text === "(") d++; else if (sig[i].text === ")") d--; } }
          }
          if (i + 1 < sig.length) { i++; depth++; } // its selection set's "{"
        } else if (t.text === "fragment") {
          while (i + 1 < sig.length && sig[i + 1].text !== "{") i++;
          // skip the fragment's selection set so it is not taken for an anonymous query
          if (i + 1 < sig.length) { i++; var fd = 1; while (fd > 0 && i + 1 < sig.length) { i++; if (sig[i].text === "{") fd++; else if (sig[i].text === "}") fd--; } }
        }
      }
    }
    return ops;
  }

  var lastOpsKey = "";
  function updateOperationPicker() {
    var ops = operations(queryEl.value), named = ops.filter(function (o) { return o.name; });
    var key = named.map(function (o) { return o.type + " " + o.name; }).join("|") + "#" + ops.length;
    if (key === lastOpsKey) return;
    lastOpsKey = key;
    if (ops.length < 2 || named.length === 0) { opPicker.hidden = true; opSelect.textContent = ""; return; }
    var current = opSelect.value || load("operation", "");
    opSelect.textContent = "";
    named.forEach(function (o) { opSelect.appendChild(el("option", { value: o.name, text: o.name + " (" + o.type + ")" })); });
    if (named.some(function (o) { return o.name === current; })) opSelect.value = current;
    opPicker.hidden = false;
  }
  function chosenOperationName() {
    if (opPicker.hidden || !opSelect.value) return undefined;
    return opSelect.value;
  }

  // ---------- prettify: re-indentation by tokens (graphql-js print layout, roughly) ----------
  function prettify(src) {
    var tokens = lex(src).filter(function (t) { return t.type !== "ws"; });
    if (tokens.some(function (t) { return t.type === "error"; })) return null;
    var out = "", indent = 0, stack = [], prevSig = null, lineStart = true;
    function nl() { out = out.replace(/[ \t]+$/, ""); out += "\n"; lineStart = true; }
    function pad() { if (lineStart) { out += new Array(indent + 1).join("  "); lineStart = false; } }
    function emit(text, spaceBefore) { if (!lineStart && spaceBefore) out += " "; pad(); out += text; }
    for (var i = 0; i < tokens.length; i++) {
      var t = tokens[i], top = stack[stack.length - 1], inline = top === "args" || top === "obj" || top === "list" || top === "vardefs";
      if (t.type === "comment") {
        if (!lineStart) nl();
        emit(t.text, false); nl(); continue;
      }
      if (t.type === "comma") { if (inline) { out += ","; } continue; }
      var p = prevSig ? prevSig.text : null;
      if (t.text === "{") {
        if (inline) { emit("{", !/[(\[{]$/.test(out)); stack.push("obj"); }
        else { emit("{", prevSig !== null && !lineStart); stack.push("sel"); indent++; nl(); }
      } else if (t.text === "}") {
        var kind = stack.pop();
        if (kind === "obj") emit("}", false);
        else { indent = Math.max(0, indent - 1); if (!lineStart) nl(); emit("}", false); nl(); if (stack.length === 0) { out += "\n"; } }
      } else if (t.text === "(" || t.text === "[") {
        emit(t.text, p === ":" || p === "=" || /,$/.test(out));
        stack.push(t.text === "[" ? "list" : (stack.length === 0 ? "vardefs" : "args"));
      } else if (t.text === ")" || t.text === "]") {
        stack.pop(); emit(t.text, false);
      } else if (t.text === ":" || t.text === "!") {
        emit(t.text, false);
      } else {
        var space;
        if (top === "sel" && !lineStart) {
          // Does this token start a new selection?
          var starts = (t.type === "name" || t.type === "spread") && p !== ":" && p !== "@" && p !== "on" && p !== "..." &&
            !(p === "$") && !(t.text === "on" && p === "...");
          if (starts) nl();
        }
        if (p === null || lineStart) space = false;
        else if (p === "(" || p === "[" || p === "$" || p === "@" || (p === "{" && inline)) space = false;
        else if (p === "..." ) space = t.text === "on";
        else space = true;
        emit(t.text, space);
      }
      prevSig = t;
    }
    out = out.replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n").replace(/^\n+/, "").replace(/\s+$/, "");
    return out + "\n";
  }

  // ---------- editor behaviour ----------
  function replaceSelection(text, selectStart, selectEnd) {
    queryEl.focus();
    var ok = false;
    try { ok = document.execCommand("insertText", false, text); } catch (e) { ok = false; }
    if (!ok) {
      queryEl.setRangeText(text, queryEl.selectionStart, queryEl.selectionEnd, "end");
      onQueryInput();
    }
    if (selectStart !== undefined) queryEl.setSelectionRange(selectStart, selectEnd === undefined ? selectStart : selectEnd);
  }
  function setQuery(text) {
    queryEl.focus();
    queryEl.select();
    replaceSelection(text);
    queryEl.setSelectionRange(0, 0);
    queryEl.scrollTop = 0;
    syncScroll();
  }

  var escapePressed = false;
  queryEl.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { escapePressed = true; return; }
    var wasEscape = escapePressed; escapePressed = false;
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") return; // handled globally
    var v = queryEl.value, s = queryEl.selectionStart, e = queryEl.selectionEnd;
    if (ev.key === "Tab" && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
      if (wasEscape) return; // let focus move on
      ev.preventDefault();
      var ls = v.lastIndexOf("\n", s - 1) + 1;
      if (s !== e && v.slice(s, e).indexOf("\n") >= 0) {
        // indent or outdent every selected line
        var block = v.slice(ls, e), lines = block.split("\n");
        var changed = lines.map(function (l) { return ev.shiftKey ? l.replace(/^ {1,2}/, "") : "  " + l; }).join("\n");
        queryEl.setSelectionRange(ls, e);
        replaceSelection(changed, ls, ls + changed.length);
      } else if (ev.shiftKey) {
        var m = /^ {1,2}/.exec(v.slice(ls));
        if (m) { queryEl.setSelectionRange(ls, ls + m[0].length); replaceSelection("", Math.max(ls, s - m[0].length)); }
      } else replaceSelection("  ");
      return;
    }
    if (ev.key === "Enter" && !ev.shiftKey && !ev.altKey) {
      ev.preventDefault();
      var lineStart = v.lastIndexOf("\n", s - 1) + 1, indent = /^[ \t]*/.exec(v.slice(lineStart))[0];
      var before = v.slice(lineStart, s).replace(/\s+$/, ""), after = v.charAt(e);
      var opener = before.slice(-1), closers = { "{": "}", "(": ")", "[": "]" };
      if (closers[opener]) {
        var inner = indent + "  ";
        if (after === closers[opener]) replaceSelection("\n" + inner + "\n" + indent, s + 1 + inner.length);
        else replaceSelection("\n" + inner);
      } else replaceSelection("\n" + indent);
      return;
    }
    if ((ev.key === "}" || ev.key === ")" || ev.key === "]") && s === e) {
      var ls2 = v.lastIndexOf("\n", s - 1) + 1, head = v.slice(ls2, s);
      if (/^ +$/.test(head) && head.length >= 2) {
        ev.preventDefault();
        queryEl.setSelectionRange(s - 2, s);
        replaceSelection(ev.key);
      }
      return;
    }
    if ((ev.key === "{" || ev.key === "(" || ev.key === "[") && s === e) {
      var nextCh = v.charAt(s);
      if (nextCh === "" || /[\s)}\]]/.test(nextCh)) {
        ev.preventDefault();
        var close = { "{": "}", "(": ")", "[": "]" }[ev.key];
        replaceSelection(ev.key + close, s + 1);
      }
      return;
    }
  });
  // Skipping over an auto-inserted closer (handled after the dedent case above).
  queryEl.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented) return;
    var s = queryEl.selectionStart;
    if ((ev.key === "}" || ev.key === ")" || ev.key === "]") && s === queryEl.selectionEnd && queryEl.value.charAt(s) === ev.key) {
      ev.preventDefault(); queryEl.setSelectionRange(s + 1, s + 1);
    }
  });

  var saveTimer = null;
  function onQueryInput() {
    renderHighlight();
    updateOperationPicker();
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () { save("query", queryEl.value); }, 300);
  }
  queryEl.addEventListener("input", onQueryInput);
  queryEl.addEventListener("scroll", syncScroll);
  function showCursor() {
    var upto = queryEl.value.slice(0, queryEl.selectionStart), line = upto.split("\n").length;
    $("cursor-pos").textContent = "Ln " + line + ", Col " + (upto.length - upto.lastIndexOf("\n"));
  }
  // With several operations, the picker follows the operation under the caret (it can still be changed by hand).
  function followCaret() {
    showCursor();
    if (opPicker.hidden) return;
    var ops = operations(queryEl.value), pos = queryEl.selectionStart, at = null;
    for (var i = 0; i < ops.length; i++) if (ops[i].start <= pos) at = ops[i];
    if (at && at.name && opSelect.value !== at.name) { opSelect.value = at.name; save("operation", at.name); }
  }
  queryEl.addEventListener("keyup", followCaret);
  queryEl.addEventListener("click", followCaret);
  function moveTo(line, column) {
    var lines = queryEl.value.split("\n"), pos = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += Math.max(0, column - 1);
    queryEl.focus();
    queryEl.setSelectionRange(pos, pos);
    showCursor();
  }

  // Plain JSON textareas: tab inserts two spaces as well.
  [varsEl, headersEl].forEach(function (ta) {
    var esc = false;
    ta.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { esc = true; return; }
      var was = esc; esc = false;
      if (ev.key === "Tab" && !ev.shiftKey && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !was) {
        ev.preventDefault();
        ta.setRangeText("  ", ta.selectionStart, ta.selectionEnd, "end");
        ta.dispatchEvent(new Event("input"));
      }
    });
  });

  // ---------- variables and headers ----------
  function parseVariables() {
    var text = varsEl.value.trim();
    if (text === "") return { ok: true, value: undefined };
    try {
      var v = JSON.parse(text);
      if (v === null) return { ok: true, value: null };
      if (typeof v !== "object" || Array.isArray(v)) return { ok: false, message: "Variables must be a JSON object, like {\"id\": \"…\"}." };
      return { ok: true, value: v };
    } catch (e) {
      return { ok: false, message: "Variables are not valid JSON: " + e.message };
    }
  }
  function parseHeaders() {
    var text = headersEl.value.trim();
    if (text === "") return { ok: true, value: {} };
    var v;
    try { v = JSON.parse(text); } catch (e) { return { ok: false, message: "Headers are not valid JSON: " + e.message }; }
    if (v === null || typeof v !== "object" || Array.isArray(v)) return { ok: false, message: "Headers must be a JSON object, like {\"Authorization\": \"Bearer …\"}." };
    for (var k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) return { ok: false, message: "\"" + k + "\" is not a valid header name." };
      if (typeof v[k] !== "string") return { ok: false, message: "The value of header \"" + k + "\" must be a string." };
      if (/[\r\n\0]/.test(v[k])) return { ok: false, message: "The value of header \"" + k + "\" contains a line break." };
    }
    return { ok: true, value: v };
  }
  function showMsg(node, kind, text) { node.className = "msg " + (kind || ""); node.textContent = text || ""; }
  function showVarsMsg() {
    var r = parseVariables();
    showMsg(varsMsg, r.ok ? "" : "error", r.ok ? "" : r.message);
    return r;
  }
  varsEl.addEventListener("input", function () { save("variables", varsEl.value); if (varsMsg.textContent) showVarsMsg(); });
  varsEl.addEventListener("blur", showVarsMsg);

  var headersTimer = null, lastHeadersSent = null;
  headersEl.addEventListener("input", function () {
    save("headers", headersEl.value.trim() === "" ? null : headersEl.value);
    var r = parseHeaders();
    showMsg(headersMsg, r.ok ? "" : "error", r.ok ? "" : r.message);
    clearTimeout(headersTimer);
    if (r.ok) headersTimer = setTimeout(function () {
      var key = JSON.stringify(r.value);
      if (key !== lastHeadersSent) loadSchema();
    }, 800);
  });

  // tabs (arrow keys move between them)
  var tabs = [$("tab-variables"), $("tab-headers")];
  function selectTab(tab) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
  }
  tabs.forEach(function (t, i) {
    t.addEventListener("click", function () { selectTab(t); });
    t.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
        ev.preventDefault();
        var n = tabs[(i + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        selectTab(n); n.focus();
      }
    });
  });

  // ---------- requests ----------
  function post(body, headers) {
    var h = { "Content-Type": "application/json", "Accept": "application/graphql-response+json, application/json" };
    for (var k in headers) if (Object.prototype.hasOwnProperty.call(headers, k)) h[k] = headers[k];
    return fetch(ENDPOINT, { method: "POST", headers: h, body: JSON.stringify(body), credentials: "same-origin", cache: "no-store" });
  }

  function jsonHTML(value, indent, path) {
    var pad = new Array(indent + 1).join("  "), pad2 = pad + "  ";
    if (value === null) return '<span class="j-lit">null</span>';
    if (typeof value === "boolean") return '<span class="j-lit">' + value + "</span>";
    if (typeof value === "number") return '<span class="j-num">' + value + "</span>";
    if (typeof value === "string") return '<span class="j-str">' + escapeHTML(JSON.stringify(value)) + "</span>";
    if (Array.isArray(value)) {
      if (value.length === 0) return "[]";
      return "[\n" + value.map(function (v) { return pad2 + jsonHTML(v, indent + 1, path + "[]"); }).join(",\n") + "\n" + pad + "]";
    }
    var keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    return "{\n" + keys.map(function (k) {
      var cls = path === "" && k === "errors" ? "j-errkey" : "j-key";
      return pad2 + '<span class="' + cls + '">' + escapeHTML(JSON.stringify(k)) + "</span>: " + jsonHTML(value[k], indent + 1, path + "." + k);
    }).join(",\n") + "\n" + pad + "}";
  }

  function setStatus(kind, text) { statusEl.className = kind; statusEl.textContent = text; }

  function showErrors(errors) {
    errorsEl.textContent = "";
    if (!Array.isArray(errors)) return;
    errors.slice(0, 20).forEach(function (err) {
      var code = err && err.extensions && err.extensions.code;
      var li = el("li", null, [
        code ? el("span", { class: "code", text: String(code) }) : null,
        String(err && err.message !== undefined ? err.message : JSON.stringify(err)),
        err && Array.isArray(err.path) ? el("span", { class: "where", text: "at " + err.path.join(".") }) : null
      ]);
      if (err && Array.isArray(err.locations)) err.locations.forEach(function (loc) {
        if (loc && typeof loc.line === "number") {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(el("button", { type: "button", class: "loc", text: "line " + loc.line + ":" + loc.column,
            title: "Move the cursor there", onclick: function () { moveTo(loc.line, loc.column || 1); } }));
        }
      });
      errorsEl.appendChild(li);
    });
    if (errors.length > 20) errorsEl.appendChild(el("li", { text: "… and " + (errors.length - 20) + " more" }));
  }

  function showNetworkFailure(title, detail) {
    errorsEl.textContent = "";
    resultEl.textContent = "";
    resultEl.appendChild(el("div", { class: "netfail", role: "alert" }, [el("strong", { text: title }), detail]));
  }

  var running = false;
  function run() {
    if (running) return;
    var vars = showVarsMsg();
    if (!vars.ok) {
      selectTab(tabs[0]);
      setStatus("bad", "not sent: fix the variables");
      varsEl.focus();
      return;
    }
    var hdrs = parseHeaders();
    if (!hdrs.ok) {
      selectTab(tabs[1]);
      showMsg(headersMsg, "error", hdrs.message);
      setStatus("bad", "not sent: fix the headers");
      headersEl.focus();
      return;
    }
    var query = queryEl.value;
    if (query.trim() === "") { setStatus("bad", "not sent"); showNetworkFailure("Nothing to run", "Write a query first."); return; }
    var body = { query: query };
    if (vars.value !== undefined) body.variables = vars.value;
    var opName = chosenOperationName();
    if (opName) { body.operationName = opName; save("operation", opName); }
    addHistory(query, varsEl.value, opName);

    running = true; runBtn.disabled = true;
    setStatus("busy", "running…");
    var started = performance.now(), status = 0, statusText = "";
    post(body, hdrs.value).then(function (res) {
      status = res.status; statusText = res.statusText;
      return res.text();
    }).then(function (text) {
      var ms = Math.round(performance.now() - started);
      setStatus(status >= 200 && status < 300 ? "ok" : "bad", status + (statusText ? " " + statusText : "") + " · " + ms + " ms");
      var parsed;
      try { parsed = JSON.parse(text); } catch (e) { parsed = undefined; }
      if (parsed === undefined) {
        errorsEl.textContent = "";
        resultEl.textContent = text === "" ? "(empty response body)" : text;
        return;
      }
      var errs = Array.isArray(parsed) ? parsed.reduce(function (a, r) { return a.concat(r && r.errors || []); }, []) : parsed && parsed.errors;
      showErrors(errs);
      if (status === 401) errorsEl.appendChild(el("li", { text: "The server refused the Authorization header (bad, expired or revoked token). Renew it with the login or refreshToken mutation, or clear it under Headers." }));
      resultEl.innerHTML = jsonHTML(parsed, 0, "");
      resultEl.scrollTop = 0;
    }).catch(function (err) {
      setStatus("bad", "no response · " + Math.round(performance.now() - started) + " ms");
      showNetworkFailure("Could not reach the server at " + location.origin + ENDPOINT,
        "The request failed before any answer came back (" + (err && err.message || err) + "). Check that `clinic serve` is running, then press Run again.");
    }).then(function () { running = false; runBtn.disabled = false; });
  }

  runBtn.addEventListener("click", run);
  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") { ev.preventDefault(); run(); }
    else if ((ev.ctrlKey || ev.metaKey) && ev.shiftKey && (ev.key === "P" || ev.key === "p")) { ev.preventDefault(); doPrettify(); }
    else if (ev.key === "Escape" && !$("history").hidden) { toggleHistory(false); $("history-toggle").focus(); }
  });
  $("copy-result").addEventListener("click", function () {
    var text = resultEl.textContent;
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(function () {});
  });

  function doPrettify() {
    var p = prettify(queryEl.value);
    if (p === null) { setStatus("bad", "cannot prettify: unexpected character"); return; }
    if (p !== queryEl.value) setQuery(p);
  }
  $("prettify").addEventListener("click", doPrettify);

  // ---------- history ----------
  function addHistory(query, variables, opName) {
    var list = loadJSON("history", []);
    if (!Array.isArray(list)) list = [];
    list = list.filter(function (h) { return !(h && h.query === query && h.variables === variables && h.operationName === (opName || null)); });
    list.unshift({ query: query, variables: variables, operationName: opName || null, at: new Date().toISOString() });
    save("history", JSON.stringify(list.slice(0, 20)));
    if (!$("history").hidden) renderHistory();
  }
  function historyTitle(h) {
    if (h.operationName) return h.operationName;
    var ops = operations(h.query), named = ops.filter(function (o) { return o.name; });
    if (named.length) return named.map(function (o) { return o.type + " " + o.name; }).join(", ");
    return h.query.replace(/#[^\n]*/g, "").replace(/\s+/g, " ").trim().slice(0, 80) || "(empty)";
  }
  function renderHistory() {
    var listEl = $("history-list"), list = loadJSON("history", []);
    listEl.textContent = "";
    if (!Array.isArray(list) || list.length === 0) { listEl.appendChild(el("li", { class: "docs-note", style: "padding:8px 12px", text: "No queries run yet." })); return; }
    list.forEach(function (h) {
      if (!h || typeof h.query !== "string") return;
      var when = h.at ? new Date(h.at) : null;
      listEl.appendChild(el("li", null, [el("button", { type: "button", onclick: function () {
        setQuery(h.query);
        varsEl.value = h.variables || ""; save("variables", varsEl.value); showVarsMsg();
        updateOperationPicker();
        if (h.operationName && !opPicker.hidden) opSelect.value = h.operationName;
        toggleHistory(false);
        queryEl.focus();
      } }, [el("span", { class: "h-title", text: historyTitle(h) }), el("span", { class: "h-time", text: when && !isNaN(when) ? when.toLocaleString() : "" })])]));
    });
  }
  function toggleHistory(show) {
    var panel = $("history"), btn = $("history-toggle");
    if (show === undefined) show = panel.hidden;
    panel.hidden = !show;
    btn.setAttribute("aria-expanded", show ? "true" : "false");
    if (show) { renderHistory(); var first = panel.querySelector("#history-list button"); if (first) first.focus(); }
  }
  $("history-toggle").addEventListener("click", function () { toggleHistory(); });
  $("history-close").addEventListener("click", function () { toggleHistory(false); $("history-toggle").focus(); });
  $("history-clear").addEventListener("click", function () { save("history", null); renderHistory(); });

  // ---------- schema docs ----------
  var INTROSPECTION = "query ExplorerIntrospection {\n  __schema {\n    queryType { name }\n    mutationType { name }\n    subscriptionType { name }\n" +
    "    types { ...FullType }\n    directives { name description locations args(includeDeprecated: true) { ...InputValue } }\n  }\n}\n" +
    "fragment FullType on __Type {\n  kind name description specifiedByURL\n" +
    "  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }\n" +
    "  inputFields(includeDeprecated: true) { ...InputValue }\n  interfaces { ...TypeRef }\n" +
    "  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }\n  possibleTypes { ...TypeRef }\n}\n" +
    "fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }\n" +
    "fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }\n";

  var schema = null, typeMap = {}, docsHistory = [], docsView = null, schemaRequest = 0;

  function loadSchema() {
    var hdrs = parseHeaders();
    var headers = hdrs.ok ? hdrs.value : {};
    lastHeadersSent = JSON.stringify(headers);
    var mine = ++schemaRequest;
    if (!schema) docsBody.innerHTML = '<p class="docs-note">Loading the schema…</p>';
    post({ query: INTROSPECTION, operationName: "ExplorerIntrospection" }, headers).then(function (res) {
      return res.text().then(function (text) { return { status: res.status, text: text }; });
    }).then(function (r) {
      if (mine !== schemaRequest) return;
      var json;
      try { json = JSON.parse(r.text); } catch (e) { throw new Error("the server answered " + r.status + " with something that is not JSON"); }
      if (!json || !json.data || !json.data.__schema) {
        var msg = json && json.errors && json.errors[0] ? json.errors[0].message + (json.errors[0].extensions && json.errors[0].extensions.code ? " (" + json.errors[0].extensions.code + ")" : "") : "no schema in the answer";
        throw new Error("introspection was refused: " + msg + (r.status === 401 ? ". The token under Headers is not accepted." : ". Introspection may be turned off (GRAPHQL_INTROSPECTION) or limited to staff: sign in as an admin and set the Authorization header."));
      }
      schema = json.data.__schema;
      typeMap = {};
      schema.types.forEach(function (t) { typeMap[t.name] = t; });
      if (docsView && docsView.type && !typeMap[docsView.type]) { docsView = null; docsHistory = []; }
      renderDocs();
    }).catch(function (err) {
      if (mine !== schemaRequest) return;
      schema = null;
      docsBody.textContent = "";
      docsBody.appendChild(el("div", { class: "docs-error", role: "alert" }, [
        el("strong", { text: "Schema unavailable. " }),
        (err && err.name === "TypeError" ? "Could not reach the server at " + location.origin + ENDPOINT + " (" + err.message + ")." : String(err && err.message || err)),
        " ",
        el("button", { type: "button", class: "btn small", text: "Try again", onclick: loadSchema })
      ]));
    });
  }
  $("docs-reload").addEventListener("click", loadSchema);

  function unwrap(ref) { while (ref && ref.ofType) ref = ref.ofType; return ref; }
  function typeRefNode(ref) {
    // e.g. [Appointment!]! with the named part as a link
    if (!ref) return document.createTextNode("?");
    if (ref.kind === "NON_NULL") { var s = el("span"); s.appendChild(typeRefNode(ref.ofType)); s.appendChild(document.createTextNode("!")); return s; }
    if (ref.kind === "LIST") { var l = el("span", null, ["["]); l.appendChild(typeRefNode(ref.ofType)); l.appendChild(document.createTextNode("]")); return l; }
    return typeLink(ref.name);
  }
  function typeLink(name) {
    return el("a", { class: "tlink", href: "#type/" + encodeURIComponent(name), text: name, onclick: function (ev) { ev.preventDefault(); showType(name); } });
  }
  function showType(name, field) {
    if (docsView) docsHistory.push(docsView);
    docsView = { type: name, field: field || null };
    docsSearch.value = "";
    renderDocs();
    docsBody.scrollTop = 0;
    var h = docsBody.querySelector("h3"); if (h) { h.tabIndex = -1; h.focus({ preventScroll: true }); }
  }
  function goBack() {
    docsView = docsHistory.pop() || null;
    renderDocs();
  }

  function description(text) { return text ? el("p", { class: "desc", text: text }) : null; }
  function deprecation(item) {
    return item.isDeprecated ? el("div", null, [el("span", { class: "depr", text: "Deprecated" + (item.deprecationReason ? ": " + item.deprecationReason : "") })]) : null;
  }
  function argNode(a) {
    return el("li", { class: "field" + (a.isDeprecated ? " deprecated" : "") }, [
      el("span", { class: "aname fname", text: a.name }), ": ", typeRefNode(a.type),
      a.defaultValue !== null && a.defaultValue !== undefined ? el("span", { class: "default", text: " = " + a.defaultValue }) : null,
      description(a.description), deprecation(a)
    ]);
  }

  function rootKind(typeName) {
    if (schema.queryType && schema.queryType.name === typeName) return "query";
    if (schema.mutationType && schema.mutationType.name === typeName) return "mutation";
    return null;
  }

  function fieldNode(f, ownerName) {
    var kind = rootKind(ownerName);
    var argsList = f.args && f.args.length ? el("ul", { class: "args" }, f.args.map(argNode)) : null;
    return el("li", { class: "field-item" + (f.isDeprecated ? " deprecated" : "") }, [
      el("span", { class: "field" }, [
        el("span", { class: "fname", text: f.name }),
        f.args && f.args.length ? "(…)" : "", ": ", typeRefNode(f.type)
      ]),
      kind ? el("button", { type: "button", class: "btn small insert", text: "Insert",
        title: "Insert a " + kind + " using " + f.name + " into the editor", "aria-label": "Insert " + f.name + " into the editor",
        onclick: function () { insertSkeleton(kind, f); } }) : null,
      description(f.description), deprecation(f), argsList
    ]);
  }

  var KIND_LABEL = { OBJECT: "type", INPUT_OBJECT: "input", ENUM: "enum", SCALAR: "scalar", INTERFACE: "interface", UNION: "union" };

  function renderType(t) {
    var nodes = [];
    nodes.push(el("div", { class: "crumbs" }, [
      el("button", { type: "button", class: "tlink", text: "← " + (docsHistory.length ? (docsHistory[docsHistory.length - 1] ? docsHistory[docsHistory.length - 1].type : "All types") : "All types"), onclick: goBack })
    ]));
    nodes.push(el("h3", null, [t.name, el("span", { class: "kind", text: KIND_LABEL[t.kind] || t.kind })]));
    nodes.push(description(t.description));
    if (t.specifiedByURL) nodes.push(el("p", { class: "desc", text: "Specified by " + t.specifiedByURL }));
    if (t.interfaces && t.interfaces.length) {
      var impl = el("p", null, ["Implements "]);
      t.interfaces.forEach(function (i, n) { if (n) impl.appendChild(document.createTextNode(", ")); impl.appendChild(typeLink(i.name)); });
      nodes.push(impl);
    }
    if (t.fields && t.fields.length) {
      nodes.push(el("h4", { text: "Fields" }));
      nodes.push(el("ul", null, t.fields.map(function (f) { return fieldNode(f, t.name); })));
    }
    if (t.inputFields && t.inputFields.length) {
      nodes.push(el("h4", { text: "Input fields" }));
      nodes.push(el("ul", null, t.inputFields.map(argNode)));
    }
    if (t.enumValues && t.enumValues.length) {
      nodes.push(el("h4", { text: "Values" }));
      nodes.push(el("ul", null, t.enumValues.map(function (v) {
        return el("li", { class: "field-item" + (v.isDeprecated ? " deprecated" : "") }, [el("span", { class: "field fname", text: v.name }), description(v.description), deprecation(v)]);
      })));
    }
    if (t.possibleTypes && t.possibleTypes.length) {
      nodes.push(el("h4", { text: t.kind === "UNION" ? "Members" : "Implemented by" }));
      nodes.push(el("ul", null, t.possibleTypes.map(function (p) { return el("li", null, [typeLink(p.name)]); })));
    }
    // where this type is used
    var usedBy = [];
    schema.types.forEach(function (o) {
      if (/^__/.test(o.name)) return;
      (o.fields || []).forEach(function (f) { if (unwrap(f.type).name === t.name) usedBy.push([o.name, f.name]); });
      (o.inputFields || []).forEach(function (f) { if (unwrap(f.type).name === t.name) usedBy.push([o.name, f.name]); });
    });
    if (usedBy.length) {
      nodes.push(el("h4", { text: "Used by" }));
      nodes.push(el("ul", null, usedBy.slice(0, 40).map(function (u) { return el("li", { class: "field" }, [typeLink(u[0]), "." + u[1]]); })));
    }
    return nodes;
  }

  function groupedTypes() {
    var q = schema.queryType && schema.queryType.name, m = schema.mutationType && schema.mutationType.name;
    var groups = [["Root types", []], ["Objects", []], ["Interfaces and unions", []], ["Inputs", []], ["Enums", []], ["Scalars", []]];
    if (q && typeMap[q]) groups[0][1].push(typeMap[q]);
    if (m && typeMap[m]) groups[0][1].push(typeMap[m]);
    var s = schema.subscriptionType && schema.subscriptionType.name;
    if (s && typeMap[s]) groups[0][1].push(typeMap[s]);
    schema.types.slice().sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; }).forEach(function (t) {
      if (/^__/.test(t.name) || t.name === q || t.name === m || t.name === s) return;
      var g = t.kind === "OBJECT" ? 1 : (t.kind === "INTERFACE" || t.kind === "UNION") ? 2 : t.kind === "INPUT_OBJECT" ? 3 : t.kind === "ENUM" ? 4 : 5;
      groups[g][1].push(t);
    });
    return groups.filter(function (g) { return g[1].length; });
  }

  function renderIndex() {
    var nodes = [];
    groupedTypes().forEach(function (g) {
      nodes.push(el("h4", { text: g[0] }));
      nodes.push(el("ul", null, g[1].map(function (t) {
        var n = t.fields ? t.fields.length : 0;
        return el("li", null, [typeLink(t.name), g[0] === "Root types" ? el("span", { class: "kind", text: n + " fields" }) : null]);
      })));
    });
    if (schema.directives && schema.directives.length) {
      nodes.push(el("h4", { text: "Directives" }));
      nodes.push(el("ul", null, schema.directives.map(function (d) {
        return el("li", { class: "field-item" }, [el("span", { class: "field fname", text: "@" + d.name }),
          el("span", { class: "kind", text: (d.locations || []).join(" | ") }), description(d.description),
          d.args && d.args.length ? el("ul", { class: "args" }, d.args.map(argNode)) : null]);
      })));
    }
    return nodes;
  }

  function renderSearch(term) {
    var t = term.toLowerCase(), typesHit = [], fieldsHit = [];
    schema.types.forEach(function (ty) {
      if (/^__/.test(ty.name)) return;
      if (ty.name.toLowerCase().indexOf(t) >= 0) typesHit.push(ty);
      (ty.fields || []).concat(ty.inputFields || []).forEach(function (f) {
        if (f.name.toLowerCase().indexOf(t) >= 0) fieldsHit.push([ty, f]);
      });
      (ty.enumValues || []).forEach(function (v) { if (v.name.toLowerCase().indexOf(t) >= 0) fieldsHit.push([ty, v]); });
    });
    var nodes = [el("h4", { text: "Types (" + typesHit.length + ")" })];
    nodes.push(typesHit.length ? el("ul", null, typesHit.slice(0, 100).map(function (ty) { return el("li", null, [typeLink(ty.name), el("span", { class: "kind", text: KIND_LABEL[ty.kind] || ty.kind })]); }))
      : el("p", { class: "docs-note", text: "No type matches." }));
    nodes.push(el("h4", { text: "Fields and values (" + fieldsHit.length + ")" }));
    nodes.push(fieldsHit.length ? el("ul", null, fieldsHit.slice(0, 200).map(function (p) {
      return el("li", { class: "field" }, [typeLink(p[0].name), "." + p[1].name, p[1].type ? ": " : "", p[1].type ? typeRefNode(p[1].type) : null]);
    })) : el("p", { class: "docs-note", text: "No field matches." }));
    return nodes;
  }

  function renderDocs() {
    if (!schema) return;
    docsBody.textContent = "";
    var term = docsSearch.value.trim(), nodes;
    if (term) nodes = renderSearch(term);
    else if (docsView && docsView.type && typeMap[docsView.type]) nodes = renderType(typeMap[docsView.type]);
    else nodes = renderIndex();
    nodes.forEach(function (n) { if (n) docsBody.appendChild(n); });
  }
  docsSearch.addEventListener("input", renderDocs);
  docsSearch.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && schema) {
      var term = docsSearch.value.trim().toLowerCase();
      var exact = schema.types.filter(function (t) { return t.name.toLowerCase() === term; })[0];
      if (exact) { ev.preventDefault(); showType(exact.name); }
    }
  });

  $("docs-toggle").addEventListener("click", function () {
    var layout = $("layout"), hide = !layout.classList.contains("no-docs");
    layout.classList.toggle("no-docs", hide);
    $("docs-toggle").setAttribute("aria-expanded", hide ? "false" : "true");
    save("docs-hidden", hide ? "1" : null);
  });
  if (load("docs-hidden", null) === "1") { $("layout").classList.add("no-docs"); $("docs-toggle").setAttribute("aria-expanded", "false"); }

  // ---------- skeletons from the docs ----------
  function typeString(ref) {
    if (ref.kind === "NON_NULL") return typeString(ref.ofType) + "!";
    if (ref.kind === "LIST") return "[" + typeString(ref.ofType) + "]";
    return ref.name;
  }
  function selectionFor(ref, indent, depth) {
    var t = typeMap[unwrap(ref).name];
    if (!t || !t.fields) return "";
    var pad = new Array(indent + 2).join("  "), lines = [];
    var scalarish = t.fields.filter(function (f) {
      var k = typeMap[unwrap(f.type).name];
      return !f.isDeprecated && k && (k.kind === "SCALAR" || k.kind === "ENUM") && !(f.args || []).some(function (a) { return a.type.kind === "NON_NULL" && a.defaultValue === null; });
    });
    var conn = t.fields.filter(function (f) { return f.name === "nodes"; })[0];
    if (conn && depth < 2) {
      lines.push(pad + "nodes " + selectionFor(conn.type, indent + 1, depth + 1).trim());
      if (t.fields.some(function (f) { return f.name === "pageInfo"; })) lines.push(pad + "pageInfo {\n" + pad + "  hasNextPage\n" + pad + "  endCursor\n" + pad + "}");
      if (t.fields.some(function (f) { return f.name === "totalCount"; })) lines.push(pad + "totalCount");
    } else {
      scalarish.slice(0, 6).forEach(function (f) { lines.push(pad + f.name); });
      if (lines.length === 0 && t.kind !== "OBJECT") lines.push(pad + "__typename");
      if (lines.length === 0) lines.push(pad + "__typename");
    }
    return "{\n" + lines.join("\n") + "\n" + new Array(indent + 1).join("  ") + "}";
  }
  function insertSkeleton(kind, f) {
    var vars = [], args = [];
    (f.args || []).forEach(function (a) {
      if (a.type.kind === "NON_NULL" && (a.defaultValue === null || a.defaultValue === undefined)) {
        vars.push("$" + a.name + ": " + typeString(a.type));
        args.push(a.name + ": $" + a.name);
      } else if (a.name === "first") args.push("first: 10");
    });
    var opName = f.name.charAt(0).toUpperCase() + f.name.slice(1);
    var leaf = typeMap[unwrap(f.type).name];
    var sel = leaf && leaf.fields ? " " + selectionFor(f.type, 1, 0) : "";
    var text = kind + " " + opName + (vars.length ? "(" + vars.join(", ") + ")" : "") + " {\n  " + f.name +
      (args.length ? "(" + args.join(", ") + ")" : "") + sel + "\n}\n";
    var current = queryEl.value.trim();
    var onlyComments = current.replace(/#[^\n]*/g, "").trim() === "";
    if (onlyComments) setQuery(text);
    else {
      queryEl.focus();
      queryEl.setSelectionRange(queryEl.value.length, queryEl.value.length);
      replaceSelection((/\n$/.test(queryEl.value) ? "\n" : "\n\n") + text);
    }
    updateOperationPicker();
    if (!opPicker.hidden) opSelect.value = opName;
    if (vars.length && varsEl.value.trim() === "") {
      var sample = {};
      (f.args || []).forEach(function (a) { if (a.type.kind === "NON_NULL" && (a.defaultValue === null || a.defaultValue === undefined)) sample[a.name] = sampleValue(a.type, 0); });
      varsEl.value = JSON.stringify(sample, null, 2);
      save("variables", varsEl.value);
    }
  }
  function sampleValue(ref, depth) {
    if (ref.kind === "NON_NULL") return sampleValue(ref.ofType, depth);
    if (ref.kind === "LIST") return [];
    var t = typeMap[ref.name];
    if (!t) return null;
    if (t.kind === "ENUM") return t.enumValues && t.enumValues[0] ? t.enumValues[0].name : null;
    if (t.kind === "INPUT_OBJECT") {
      if (depth > 2) return {};
      var o = {};
      (t.inputFields || []).forEach(function (f) { if (f.type.kind === "NON_NULL" && f.defaultValue === null) o[f.name] = sampleValue(f.type, depth + 1); });
      return o;
    }
    if (t.name === "Int" || t.name === "Float") return 0;
    if (t.name === "Boolean") return false;
    return "";
  }

  // ---------- start ----------
  var initial = queryEl.value;
  if (initial.trim() === "") {
    var saved = load("query", null);
    queryEl.value = saved && saved.trim() !== "" ? saved : DEFAULT_QUERY;
  }
  varsEl.value = load("variables", "");
  headersEl.value = load("headers", "");
  // A shared link (/graphql?query=…&variables=…&operationName=…) brings its variables and operation too.
  var params = new URLSearchParams(location.search);
  if (initial.trim() !== "" && params.has("variables")) {
    var pv = params.get("variables");
    try { pv = JSON.stringify(JSON.parse(pv), null, 2); } catch (e) { /* shown as is; validated before sending */ }
    varsEl.value = pv;
  }
  if (params.has("operationName")) save("operation", params.get("operationName"));
  renderHighlight();
  updateOperationPicker();
  queryEl.focus();
  queryEl.setSelectionRange(0, 0);
  showCursor();
  loadSchema();
})();
