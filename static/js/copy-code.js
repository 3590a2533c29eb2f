/* chalk: a "Copy" button on every code block.
   Progressive enhancement only: without JavaScript the code is still there to select.
   It copies the code as written: no line numbers, and for shell or Python sessions
   no prompts ($, >>>) and no output lines. */
(function () {
  'use strict';
  var blocks = document.querySelectorAll('div.highlight');
  if (!blocks.length) return;
  var PROMPT = '\u0000', OUTPUT = '\u0001';

  /* The text of a <code> element as a reader would paste it. */
  function codeText(code) {
    var copy = code.cloneNode(true);
    copy.querySelectorAll('.linenos, .code-line').forEach(function (el) { el.remove(); });
    copy.querySelectorAll('.gp').forEach(function (el) { el.replaceWith(PROMPT); });
    copy.querySelectorAll('.go').forEach(function (el) { el.replaceWith(OUTPUT); });
    var lines = copy.textContent.replace(/\n$/, '').split('\n');
    var session = lines.some(function (line) { return line.charAt(0) === PROMPT; });
    if (session) lines = lines.filter(function (line) { return line.indexOf(OUTPUT) < 0; });
    return lines.join('\n').split(PROMPT).join('').split(OUTPUT).join('');
  }

  function fallbackCopy(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand('copy'); } catch (e) { done = false; }
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  var status = document.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  document.body.appendChild(status);

  blocks.forEach(function (block) {
    var code = block.querySelector('pre > code');
    if (!code || block.querySelector(':scope > .copy-button')) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy code');
    var timer = null;
    button.addEventListener('click', function () {
      copyText(codeText(code)).then(function () {
        button.textContent = 'Copied';
        button.classList.add('copy-button--done');
        status.textContent = 'Code copied to the clipboard';
      }, function () {
        button.textContent = 'Press Ctrl+C';
        status.textContent = 'Copying failed: select the code and copy it';
      }).then(function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = 'Copy';
          button.classList.remove('copy-button--done');
          status.textContent = '';
        }, 2000);
      });
    });
    block.classList.add('highlight--copyable');
    block.appendChild(button);
  });
})();
