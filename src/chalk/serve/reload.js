// chalk preview: live reload that keeps your place. Injected by `chalk serve` only.
(() => {
  "use strict";
  const OVERLAY_ID = "chalk-error-overlay";
  let events;

  // The server names changed files by their plain paths (/posts/café/); browsers percent-encode them.
  const plain = (path) => { try { return decodeURIComponent(path); } catch (e) { return path; } };
  const pagePath = () => plain(location.pathname).replace(/index\.html$/, "");

  // shown: the page is the new version, with the bad parts marked (e.g. a formula in an error box)
  function showErrors(lines, shown, title) {
    let box = document.getElementById(OVERLAY_ID);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY_ID;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#2b0a0a;color:#ffe9e9;border-top:4px solid #ff5d5d;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;";
      document.body.appendChild(box);
    }
    box.textContent = (title || (shown ? "Errors — this version is shown with them marked; a build would fail."
      : "Build failed — still showing the last good version.")) + "\n\n" + lines.join("\n");
  }

  function clearErrors() {
    const box = document.getElementById(OVERLAY_ID);
    if (box) box.remove();
  }

  function swapStylesheets(changed) {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (!changed.includes(plain(url.pathname))) continue;
      url.searchParams.set("chalk-reload", Date.now().toString());
      const fresh = link.cloneNode();
      fresh.href = url.toString();
      fresh.addEventListener("load", () => link.remove(), { once: true });
      link.after(fresh);
    }
  }

  function usesAsset(changed) {
    return [...document.querySelectorAll("img[src], script[src], source[src]")].some((el) =>
      changed.includes(plain(new URL(el.getAttribute("src"), location.href).pathname)));
  }

  async function morph() {
    const x = window.scrollX, y = window.scrollY;
    const response = await fetch(location.href, { cache: "no-store" });
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    document.title = doc.title;
    document.body.replaceWith(doc.body);
    window.scrollTo(x, y);
    document.dispatchEvent(new CustomEvent("chalk:reloaded"));
  }

  function connect() {
    events = new EventSource("/__chalk__/events");
    events.onmessage = async (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "error") return showErrors(message.errors, message.shown, message.title);
      if (window.__chalkErrorPage) return location.reload();
      clearErrors();
      if (message.type !== "change") return;
      // chalk serve --navigate: the page whose source was saved opens, wherever the reader was
      if (message.navigate && plain(message.navigate) !== pagePath()) return location.assign(message.navigate);
      if (message.css.length) swapStylesheets(message.css);
      if (message.pages.includes(pagePath()) || usesAsset(message.assets)) await morph();
      if (message.errors && message.errors.length) showErrors(message.errors, true);
    };
  }

  connect();
})();
