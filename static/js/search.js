/* chalk: site search with Pagefind's JS API (the index is built by `chalk build` when
   site.yaml says search: true). The search bundle is loaded only once the box is used.
   Keyboard: type to search; Down/Up move through the results, Home/End jump, Enter
   opens one (Enter in the box opens the first), Escape closes the list. */
(function () {
  var MAX_RESULTS = 8, MAX_SUB_RESULTS = 2;
  var pagefind = null;

  function load(root) {
    if (!pagefind) {
      var bundle = root.getAttribute('data-bundle'), base = root.getAttribute('data-base');
      pagefind = import(new URL(bundle + 'pagefind.js', location.href).href).then(function (api) {
        return Promise.resolve(api.options({ basePath: bundle, baseUrl: base, excerptLength: 24 }))
          .then(function () { api.init(); return merge(api, bundle, base); });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }

  /* A large site's index comes in shards (pagefind/chalk-shards.json lists them): search them all.
     Without the list (a half-uploaded site), searching one shard would miss pages unsaid: fail instead. */
  function merge(api, bundle, base) {
    return fetch(new URL(bundle + 'chalk-shards.json', location.href).href)
      .then(function (response) {
        if (!response.ok) throw new Error('chalk-shards.json: HTTP ' + response.status);
        return response.json();
      })
      .then(function (manifest) {
        return Promise.all((manifest.merge || []).map(function (path) {
          return api.mergeIndex(bundle + path, { baseUrl: base });
        }));
      })
      .then(function () { return api; });
  }

  /* Pagefind's excerpts are text with <mark> around the matches: keep exactly that. */
  function excerpt(html) {
    var template = document.createElement('template'), out = document.createDocumentFragment();
    template.innerHTML = html || '';
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === 'MARK') {
        var mark = document.createElement('mark');
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function element(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text) el.textContent = text;
    return el;
  }

  /* Sections of a page are ranked by their matches, headings weighing most (Pagefind's weights). */
  function score(sub) {
    return (sub.weighted_locations || []).reduce(function (sum, w) { return sum + (w.balanced_score || w.weight || 1); }, 0);
  }

  function resultItem(data) {
    var item = element('li', 'site-search__item');
    var link = element('a', 'site-search__link');
    link.href = data.url;
    link.appendChild(element('span', 'site-search__title', (data.meta && data.meta.title) || data.url));
    var text = element('span', 'site-search__excerpt');
    text.appendChild(excerpt(data.excerpt));
    link.appendChild(text);
    item.appendChild(link);
    var subs = (data.sub_results || []).filter(function (sub) {
      return sub.url !== data.url && sub.url.indexOf('#') > 0;
    }).sort(function (a, b) { return score(b) - score(a); }).slice(0, MAX_SUB_RESULTS);
    if (subs.length) {
      var list = element('ul', 'site-search__subs');
      list.setAttribute('role', 'list');
      subs.forEach(function (sub) {
        var li = element('li'), a = element('a', 'site-search__link site-search__link--sub');
        a.href = sub.url;
        a.appendChild(element('span', 'site-search__title', sub.title));
        var t = element('span', 'site-search__excerpt');
        t.appendChild(excerpt(sub.excerpt));
        a.appendChild(t);
        li.appendChild(a);
        list.appendChild(li);
      });
      item.appendChild(list);
    }
    return item;
  }

  function setup(root) {
    if (root.hasAttribute('data-ready')) return;
    root.setAttribute('data-ready', '');
    var form = root.querySelector('form'), input = root.querySelector('input');
    var panel = root.querySelector('.site-search__panel'), list = root.querySelector('.site-search__list');
    var summary = root.querySelector('.site-search__summary'), status = root.querySelector('[role=status]');
    var serial = 0;

    function links() { return Array.prototype.slice.call(list.querySelectorAll('a')); }
    function open() { panel.hidden = false; }
    function close() { panel.hidden = true; }
    function say(text) { summary.textContent = text; status.textContent = text; }

    function show(term) {
      var mine = ++serial;
      if (!term.trim()) { list.textContent = ''; say(''); close(); return; }
      load(root).then(function (api) {
        return api.debouncedSearch(term, {}, 150);
      }).then(function (found) {
        if (found === null || mine !== serial) return null;  // a newer search is under way
        return Promise.all(found.results.slice(0, MAX_RESULTS).map(function (r) { return r.data(); }))
          .then(function (datas) {
            if (mine !== serial) return;
            list.textContent = '';
            datas.forEach(function (data) { list.appendChild(resultItem(data)); });
            var n = found.results.length, quoted = '\u201c' + term.trim() + '\u201d';
            say(n === 0 ? 'No results for ' + quoted
              : n + (n === 1 ? ' result' : ' results') + ' for ' + quoted
                + (n > MAX_RESULTS ? ', showing the first ' + MAX_RESULTS : ''));
            open();
          });
      }).catch(function () {
        if (mine !== serial) return;
        list.textContent = '';
        say('Search is not available right now.');
        open();
      });
    }

    input.addEventListener('focus', function () { load(root).catch(function () {}); });
    input.addEventListener('input', function () { show(input.value); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var first = links()[0];
      if (first) first.click();
      else show(input.value);
    });
    root.addEventListener('keydown', function (event) {
      var all = links(), index = all.indexOf(document.activeElement), target = null;
      if (event.key === 'Escape') {
        if (panel.hidden && event.target === input) { input.value = ''; show(''); }
        close();
        input.focus();
        event.preventDefault();
        return;
      }
      if (!all.length || panel.hidden && event.key !== 'ArrowDown') return;
      if (event.key === 'ArrowDown') target = index < 0 ? all[0] : all[Math.min(index + 1, all.length - 1)];
      else if (event.key === 'ArrowUp') target = index <= 0 ? input : all[index - 1];
      else if (event.key === 'Home' && index >= 0) target = all[0];
      else if (event.key === 'End' && index >= 0) target = all[all.length - 1];
      if (target) {
        open();
        target.focus();
        event.preventDefault();
      }
    });
    root.addEventListener('focusout', function (event) {
      if (!event.relatedTarget || !root.contains(event.relatedTarget)) close();
    });
    input.addEventListener('click', function () { if (list.children.length) open(); });
    var query = new URLSearchParams(location.search).get('q');
    if (query) { input.value = query; show(query); }
  }

  function start() {
    document.querySelectorAll('.site-search').forEach(setup);
  }
  start();
  // the preview server swaps the page body in place after an edit: set up the new box, reload the index
  document.addEventListener('chalk:reloaded', function () {
    if (pagefind) pagefind.then(function (api) { if (api.destroy) return api.destroy(); }).catch(function () {});
    pagefind = null;
    start();
  });
})();
