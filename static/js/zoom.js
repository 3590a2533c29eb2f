/* chalk zoom: a link around an article image (a[data-zoom], written by chalk.images) opens the
   image full size in a modal <dialog>. Enter or a click opens it; Escape, Enter on "Close" or a
   click closes it, and focus returns to the image's link. Without JavaScript the link simply
   opens the full image. The lightbox shows a copy of the page's <picture> with sizes="100vw",
   so the browser picks the variant that fits the screen. No dependencies. */
(() => {
  "use strict";
  let dialog = null;
  let opener = null;

  function makeDialog() {
    const box = document.createElement("dialog");
    box.className = "zoom-dialog";
    box.setAttribute("aria-label", "Image, full size");
    const close = document.createElement("button");
    close.type = "button";
    close.className = "zoom-dialog__close";
    close.textContent = "Close";
    const frame = document.createElement("div");
    frame.className = "zoom-dialog__frame";
    box.append(close, frame);
    box.addEventListener("click", () => box.close());
    box.addEventListener("close", () => {
      frame.replaceChildren();
      const back = opener;
      opener = null;
      if (back) back.focus();
    });
    document.body.append(box);
    return box;
  }

  function copyOf(link) {
    const shown = link.querySelector("picture") || link.querySelector("img");
    const copy = shown ? shown.cloneNode(true) : document.createElement("img");
    for (const node of [copy, ...copy.querySelectorAll("source, img")]) {
      if (node.hasAttribute("sizes")) node.setAttribute("sizes", "100vw");
      if (node.tagName === "IMG") {
        node.removeAttribute("loading");
        node.removeAttribute("fetchpriority");
      }
    }
    if (!shown) copy.src = link.href;
    return copy;
  }

  function open(link) {
    dialog = dialog || makeDialog();
    opener = link;
    dialog.querySelector(".zoom-dialog__frame").replaceChildren(copyOf(link));
    dialog.showModal();
    dialog.querySelector(".zoom-dialog__close").focus();
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[data-zoom]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;  // new tab etc.: the plain link
    event.preventDefault();
    open(link);
  });
  for (const link of document.querySelectorAll("a[data-zoom]")) link.setAttribute("aria-haspopup", "dialog");
})();
