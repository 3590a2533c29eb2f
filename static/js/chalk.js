/* chalk: highlight the current section in the table of contents.
   Progressive enhancement only; the page reads the same without it. */
(function () {
  var toc = document.querySelector('.toc');
  if (!toc) return;
  var items = [];
  toc.querySelectorAll('a[href^="#"]').forEach(function (a) {
    if (a.closest('ol ol ol')) return; // the sidebar shows two levels
    var el = document.getElementById(decodeURIComponent(a.hash.slice(1)));
    if (el) items.push([el, a]);
  });
  if (!items.length) return;
  var current = null, queued = false;
  function update() {
    queued = false;
    var line = window.innerHeight * 0.3, active = null;
    for (var i = 0; i < items.length; i++) {
      if (items[i][0].getBoundingClientRect().top <= line) active = items[i][1];
      else break;
    }
    var doc = document.documentElement;
    if (window.innerHeight + window.scrollY >= doc.scrollHeight - 2) active = items[items.length - 1][1];
    if (active === current) return;
    if (current) current.removeAttribute('aria-current');
    if (active) active.setAttribute('aria-current', 'location');
    current = active;
  }
  function onScroll() { if (!queued) { queued = true; window.requestAnimationFrame(update); } }
  window.addEventListener('scroll', onScroll, { passive: true });
  window.addEventListener('resize', onScroll, { passive: true });
  update();
})();
