/* chalk: one hover/focus preview for everything an article points to.
   Citations show their reference entry, footnote references their note, figure and
   equation references the figure or equation (small), glossary terms their definition.
   Opens on hover, on keyboard focus and on a first tap (a second tap follows the link);
   Escape closes it. The preview is a role="tooltip" the link is described by; it holds
   no focusable element, so focus never moves into it. Progressive enhancement only:
   without JavaScript every link still goes to its target (and terms keep their CSS tooltip). */
(function () {
  'use strict';
  var SELECTOR = '.prose a[href^="#ref-"], .prose a.footnote-ref, .prose a.xref--fig, .prose a.xref--eq, ' +
    '.prose a.term__link';
  if (!document.querySelector(SELECTOR)) return;
  document.documentElement.classList.add('has-preview');

  var tip = document.createElement('div');
  tip.id = 'chalk-preview';
  tip.className = 'preview';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  document.body.appendChild(tip);
  var current = null, describedBy = null, closeTimer = 0, tapped = null;

  function targetOf(link) {
    var id = decodeURIComponent((link.getAttribute('href') || '').slice(1));
    return id ? document.getElementById(id) : null;
  }

  /* A copy fit for the preview: no ids (no duplicates), nothing focusable, no back-links. */
  function copyOf(node) {
    var copy = node.cloneNode(true);
    if (copy.tagName === 'LI') {  /* a list item outside its list is invalid: keep its contents only */
      var box = document.createElement('div');
      while (copy.firstChild) box.appendChild(copy.firstChild);
      copy = box;
    }
    copy.removeAttribute('id');
    copy.querySelectorAll('[id]').forEach(function (el) { el.removeAttribute('id'); });
    copy.querySelectorAll('.footnote-backref, .references__back, .headerlink').forEach(function (el) { el.remove(); });
    copy.querySelectorAll('a, [tabindex]').forEach(function (el) {
      el.removeAttribute('tabindex');
      if (el.tagName === 'A') { el.removeAttribute('href'); }
    });
    copy.removeAttribute('tabindex');
    return copy;
  }

  function content(link) {
    if (link.classList.contains('term__link')) {
      var definition = link.parentNode.querySelector('.term__tip');
      return definition ? ['term', document.createTextNode(definition.textContent.trim())] : null;
    }
    var target = targetOf(link);
    if (!target) return null;
    var kind = link.classList.contains('xref--fig') ? 'figure' : link.classList.contains('xref--eq') ? 'equation' :
      link.classList.contains('footnote-ref') ? 'note' : 'reference';
    return [kind, copyOf(target)];
  }

  function place(link) {
    var box = link.getBoundingClientRect(), width = document.documentElement.clientWidth;
    tip.style.maxWidth = Math.min(448, width - 16) + 'px';
    var left = Math.max(8, Math.min(box.left, width - tip.offsetWidth - 8));
    var below = box.bottom + 8, above = box.top - tip.offsetHeight - 8;
    var top = (below + tip.offsetHeight > window.innerHeight && above > 0) ? above : below;
    tip.style.left = (left + window.scrollX) + 'px';
    tip.style.top = (top + window.scrollY) + 'px';
  }

  function open(link) {
    clearTimeout(closeTimer);
    if (current === link) return;
    close();
    var found = content(link);
    if (!found) return;
    tip.textContent = '';
    tip.setAttribute('data-kind', found[0]);
    tip.appendChild(found[1]);
    tip.hidden = false;
    place(link);
    current = link;
    describedBy = link.getAttribute('aria-describedby');
    link.setAttribute('aria-describedby', tip.id);
  }

  function close() {
    clearTimeout(closeTimer);
    if (!current) return;
    if (describedBy) current.setAttribute('aria-describedby', describedBy);
    else current.removeAttribute('aria-describedby');
    current = describedBy = tapped = null;
    tip.hidden = true;
    tip.textContent = '';
  }

  function closeSoon() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(close, 150);
  }

  function linkFrom(event) {
    var link = event.target.closest ? event.target.closest(SELECTOR) : null;
    return link;
  }

  document.addEventListener('pointerover', function (event) {
    if (event.pointerType === 'touch') return;
    var link = linkFrom(event);
    if (link) open(link);
    else if (current && tip.contains(event.target)) clearTimeout(closeTimer);
  });
  document.addEventListener('pointerout', function (event) {
    if (event.pointerType === 'touch' || !current) return;
    var to = event.relatedTarget;
    if (to && (current.contains(to) || tip.contains(to))) return;
    if (linkFrom(event) === current || tip.contains(event.target)) closeSoon();
  });
  document.addEventListener('focusin', function (event) {
    var link = linkFrom(event);
    if (link) open(link); else close();
  });
  document.addEventListener('focusout', function (event) {
    if (linkFrom(event) === current) closeSoon();
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && current) close();
  });
  /* Touch: the first tap on a link shows its preview, a second tap follows it; a tap elsewhere closes. */
  document.addEventListener('pointerdown', function (event) {
    if (event.pointerType !== 'touch') return;
    var link = linkFrom(event);
    if (link && link !== current) { open(link); tapped = link; }
    else if (!link && !tip.contains(event.target)) close();
  });
  document.addEventListener('click', function (event) {
    var link = linkFrom(event);
    if (link && link === tapped) { event.preventDefault(); tapped = null; return; }
    if (link) close();
  });
  window.addEventListener('resize', function () { if (current) place(current); });
})();
