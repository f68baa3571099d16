// The placement view's page: draws the plan the extension posts (see client/src/placementView.ts).
// No dependencies, no remote content; every element is built with DOM calls, never innerHTML.
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const root = /** @type {HTMLElement} */ (document.getElementById('root'));
  const DIMENSIONS = [
    { key: 'cpus', label: 'cpus', unit: '' },
    { key: 'mem', label: 'mem', unit: 'mib' },
    { key: 'disk', label: 'disk', unit: 'mib' },
    { key: 'gpus', label: 'gpus', unit: '' },
  ];
  let state = vscode.getState() || { report: 0 };
  let last = null;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'style') Object.assign(e.style, v);
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return e;
  }

  function amount(value, unit) {
    if (unit !== 'mib') return String(Math.round(value * 1000) / 1000);
    if (value >= 1024) return `${Math.round((value / 1024) * 10) / 10} GiB`;
    return `${Math.round(value)} MiB`;
  }

  /** A stable colour slot per task name, so a task has one colour in every bar. */
  function slot(name) {
    let h = 0;
    for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return h % 6;
  }

  function render(message) {
    last = message;
    root.replaceChildren();
    if (message.type === 'loading') return root.append(el('p', { class: 'muted' }, `Planning ${message.file}…`));
    if (message.type === 'error') return root.append(header(message.file), el('p', { class: 'problem', role: 'alert' }, `The plan could not be computed: ${message.message}`));
    const result = message.result;
    if (result.kind === 'unavailable') return root.append(header(message.file), el('p', { class: 'problem', role: 'status' }, `No plan: ${result.reason}.`));
    if (result.reports.length === 0) return root.append(header(message.file), el('p', { class: 'muted' }, 'No job targets this cluster yet.'));
    const index = Math.min(state.report || 0, result.reports.length - 1);
    const report = result.reports[index];
    root.append(header(message.file, report));
    if (result.reports.length > 1) root.append(jobTabs(result.reports, index));
    const drills = (message.drills && message.drills[report.job]) || [];
    root.append(...[verdict(report), nodesSection(report), waitingSection(report), scenariosSection(report, message.focus, drills)].filter(Boolean));
    const focused = root.querySelector('.scenario.focused');
    if (focused) focused.scrollIntoView({ block: 'nearest' });
  }

  function header(file, report) {
    return el('header', {},
      el('h1', {}, report ? `${report.job} on ${report.cluster}` : 'Placement'),
      el('p', { class: 'muted' },
        el('a', { href: '#', onclick: (e) => { e.preventDefault(); vscode.postMessage({ type: 'openFile' }); } }, file),
        report ? ` · ${report.strategy}${report.preemption ? ' · preemption' : ''}` : ''));
  }

  function jobTabs(reports, index) {
    return el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Jobs on this cluster' },
      reports.map((r, i) => el('button', {
        role: 'tab', 'aria-selected': String(i === index), class: i === index ? 'tab selected' : 'tab',
        onclick: () => { state = { ...state, report: i }; vscode.setState(state); render(last); },
      }, r.job)));
  }

  function verdict(report) {
    const placed = report.tasks.filter((t) => t.status === 'placed').length;
    const f = report.failover;
    const safe = f.safe;
    return el('section', { class: `verdict ${safe ? 'ok' : 'warn'}`, 'aria-label': 'Summary' },
      el('p', {}, `${placed}/${report.tasks.length} tasks placed · `,
        el('strong', {}, safe ? 'failover-safe' : 'not failover-safe'),
        ` (tolerates ${f.tolerate} node loss${f.tolerate === 1 ? '' : 'es'}${f.domains.length ? `, domains: ${f.domains.join(', ')}` : ''}${f.truncated ? '; scan truncated' : ''})`),
      f.suggestion ? el('p', { class: 'suggestion' }, `To make it safe: ${f.suggestion.summary}`) : null);
  }

  function nodesSection(report) {
    const mine = new Map(report.tasks.map((t) => [t.name, t]));
    return el('section', { 'aria-labelledby': 'nodes-h' },
      el('h2', { id: 'nodes-h' }, 'Nodes'),
      el('div', { class: 'nodes' }, report.nodes.map((n) => nodeCard(n, mine))));
  }

  function nodeCard(node, mine) {
    const tasks = node.tasks.map((name) => mine.get(name)).filter(Boolean);
    const others = node.tasks.filter((name) => !mine.has(name));
    const dims = DIMENSIONS.filter((d) => node.capacity[d.key] > 0);
    return el('article', { class: 'node', tabindex: '0', 'data-node': node.name, 'aria-label': `Node ${node.name}: ${node.tasks.length ? node.tasks.join(', ') : 'idle'}` },
      el('h3', {}, node.name, el('span', { class: 'muted' }, node.tasks.length ? ` · ${node.tasks.length} task${node.tasks.length === 1 ? '' : 's'}` : ' · idle')),
      dims.map((d) => bar(node, d, tasks, others)));
  }

  function bar(node, d, tasks, others) {
    const cap = node.capacity[d.key];
    const used = node.allocated[d.key];
    let ours = 0;
    const segments = tasks.map((t) => {
      const v = t.resources[d.key];
      ours += v;
      return v > 0 ? segment(t.name, v, cap, d, `seg-${slot(t.task)}`) : null;
    });
    const rest = used - ours;
    if (rest > 1e-9) segments.push(segment(others.length ? `other jobs (${others.join(', ')})` : 'other jobs', rest, cap, d, 'seg-other'));
    const free = Math.max(0, cap - used);
    const label = `${d.label} ${amount(used, d.unit)} of ${amount(cap, d.unit)} used, ${amount(free, d.unit)} free`;
    return el('div', { class: 'resource' },
      el('span', { class: 'dim' }, d.label),
      el('div', { class: 'bar', role: 'img', 'aria-label': `${node.name}: ${label}` },
        segments,
        free > 1e-9 ? el('span', { class: 'headroom', style: { flexGrow: String(free / cap) }, title: `headroom: ${amount(free, d.unit)}` }) : null),
      el('span', { class: 'figures' }, `${amount(used, d.unit)} / ${amount(cap, d.unit)}`));
  }

  function segment(name, value, cap, d, cls) {
    const text = `${name}: ${amount(value, d.unit)} of ${amount(cap, d.unit)} ${d.label}`;
    return el('span', { class: `segment ${cls}`, tabindex: '0', role: 'img', 'aria-label': text, title: text, style: { flexGrow: String(value / cap) } },
      el('span', { class: 'segment-label' }, name));
  }

  function waitingSection(report) {
    const waiting = report.tasks.filter((t) => t.status !== 'placed');
    const skipped = report.skipped || [];
    if (waiting.length === 0 && skipped.length === 0) return null;
    return el('section', { 'aria-labelledby': 'waiting-h' },
      el('h2', { id: 'waiting-h' }, 'Not placed'),
      el('ul', { class: 'waiting' },
        waiting.map((t) => el('li', { tabindex: '0', class: 'problem' },
          el('strong', {}, t.name), t.status === 'blocked' ? ` is blocked by ${(t.blockedBy || []).join(', ')}` : `: ${t.reasons || 'no node fits'}`)),
        skipped.map((t) => el('li', { tabindex: '0', class: 'problem' }, el('strong', {}, t.task), ` is not planned: it ${t.reason}`))));
  }

  const key = (lost) => [...lost].sort().join(',');

  function scenariosSection(report, focus, drills) {
    const scenarios = report.failover.scenarios;
    const focusKey = focus ? key(focus) : undefined;
    const byKey = new Map(drills.map((d) => [key(d.lost), d]));
    const shown = new Set(scenarios.map((s) => key(s.lost)));
    // Drills of scenarios this plan does not list (a set of nodes named by hand, or a plan that changed since).
    const others = drills.filter((d) => !shown.has(key(d.lost)));
    return el('section', { 'aria-labelledby': 'scenarios-h' },
      el('div', { class: 'section-head' },
        el('h2', { id: 'scenarios-h' }, 'Failover scenarios'),
        el('button', { class: 'drill-run', title: 'Run every single-node scenario on the live cluster (Berth: Run Failover Drill)', onclick: () => vscode.postMessage({ type: 'drill', job: report.job }) }, 'Drill every node')),
      drills.length ? drillTally(drills) : null,
      scenarios.length === 0 ? el('p', { class: 'muted' }, 'No scenarios: nothing is placed, or failover.tolerate is 0.') :
        el('div', { class: 'scenarios', role: 'list' }, scenarios.map((s) => scenarioCard(report, s, focusKey === key(s.lost), byKey.get(key(s.lost))))),
      others.length ? el('div', { class: 'scenarios', role: 'list', 'aria-label': 'Other drilled scenarios' }, others.map((d) => el('article', { class: 'scenario', role: 'listitem', 'data-lost': d.lost.join(',') },
        el('h3', {}, `lose ${d.lost.join(', ')}`), drillBlock(report, d)))) : null);
  }

  /** "Last drills: 2 passed, 1 failed". */
  function drillTally(drills) {
    const count = (v) => drills.filter((d) => d.verdict === v).length;
    const parts = [`${count('pass')} passed`, `${count('fail')} failed`];
    if (count('skipped')) parts.push(`${count('skipped')} skipped`);
    return el('p', { class: `drill-tally ${count('fail') ? 'problem' : ''}`, role: 'status' }, `Last drills on the live cluster: ${parts.join(', ')}`);
  }

  function nodeText(node, which) {
    if (node === '?') return 'never settled';
    if (node === '') return which === 'predicted' ? 'no node' : 'waiting';
    return node;
  }

  /** A scenario's last drill: verdict, seconds, predicted against observed; a failure links to each task that differed. */
  function drillBlock(report, d) {
    const short = (id) => (id.startsWith(`${report.job}/`) ? id.slice(report.job.length + 1) : id);
    const touched = d.tasks.filter((t) => t.predicted !== t.before || t.observed !== t.before);
    const differ = d.tasks.filter((t) => t.predicted !== t.observed);
    const verdictText = d.verdict === 'pass' ? 'PASS' : d.verdict === 'fail' ? 'FAIL' : 'SKIPPED';
    const when = new Date(d.at).toLocaleTimeString();
    return el('div', { class: `drill ${d.verdict}`, 'data-verdict': d.verdict, role: 'group', 'aria-label': `Last drill: ${verdictText}` },
      el('p', { class: 'drill-head' }, el('strong', { class: 'drill-verdict' }, `Drill: ${verdictText}`),
        d.verdict === 'skipped' ? ` · ${d.note || ''}` : ` · ${d.seconds.toFixed(1)} s · ${when}`),
      d.verdict === 'skipped' ? null : touched.length === 0 ? el('p', { class: 'muted' }, 'nothing moved, as predicted') :
        el('table', { class: 'drill-tasks' },
          el('thead', {}, el('tr', {}, el('th', {}, 'task'), el('th', {}, 'predicted'), el('th', {}, 'observed'))),
          el('tbody', {}, touched.map((t) => el('tr', { class: t.predicted === t.observed ? '' : 'problem' },
            el('td', {}, short(t.task)), el('td', {}, nodeText(t.predicted, 'predicted')), el('td', {}, nodeText(t.observed, 'observed')))))),
      d.verdict === 'fail' && d.note ? el('p', { class: 'problem' }, d.note) : null,
      d.verdict === 'fail' && differ.length ? el('p', { class: 'problem drill-differed' }, 'Differed: ',
        differ.map((t, i) => [i > 0 ? ', ' : '', el('a', { href: '#', 'data-task': t.task, title: `Show ${short(t.task)} in the job file`, onclick: (e) => {
          e.preventDefault();
          e.stopPropagation();
          vscode.postMessage({ type: 'revealTask', cluster: report.cluster, job: report.job, task: t.task });
        } }, short(t.task))])) : null);
  }

  function scenarioCard(report, s, focused, drill) {
    const bad = s.unplaced.length > 0;
    const verb = s.lost.length > 1 || s.kind === 'domain' ? 'fail' : 'fails';
    const title = `if ${s.name} ${verb}`;
    const rows = [
      ...s.unplaced.map((u) => el('li', { class: 'problem' }, '✗ ', el('strong', {}, u.task), ` has no node: ${u.reasons}`)),
      ...s.moves.map((m) => el('li', {}, '→ ', el('strong', {}, m.task), ` moves ${m.from} → ${m.to}`)),
      ...s.evicted.map((e) => el('li', { class: 'warning' }, '⤓ ', el('strong', {}, e.task), ` evicted from ${e.from}`)),
    ];
    return el('article', {
      class: `scenario ${bad ? 'bad' : 'good'}${focused ? ' focused' : ''}`, role: 'listitem', tabindex: '0',
      'aria-label': `${title}: ${bad ? `${s.unplaced.length} task${s.unplaced.length === 1 ? '' : 's'} left without a node` : 'every task keeps a node'}`,
      'aria-current': focused ? 'true' : undefined,
      'data-lost': s.lost.join(','),
      onclick: () => select(s.lost), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(s.lost); } },
    },
    el('div', { class: 'section-head' },
      el('h3', {}, bad ? '⚠ ' : '✓ ', title),
      el('button', { class: 'drill-run', title: `Run this scenario on the live cluster: lose ${s.lost.join(', ')}`, onclick: (e) => { e.stopPropagation(); vscode.postMessage({ type: 'drill', job: report.job, lost: s.lost }); } }, 'Drill')),
    el('p', { class: 'muted' }, `lost: ${s.lost.join(', ')}`),
    rows.length ? el('ul', {}, rows) : el('p', { class: 'muted' }, 'nothing to move'),
    drill ? drillBlock(report, drill) : null);
  }

  function select(lost) {
    vscode.postMessage({ type: 'focusScenario', lost });
    if (last && last.type === 'plan') render({ ...last, focus: lost });
    const card = root.querySelector(`.scenario[data-lost="${CSS.escape(lost.join(','))}"]`);
    if (card instanceof HTMLElement) card.focus();
  }

  // The extension posts again on every refresh of the plan or the live cluster; a message equal to
  // the last one leaves the page as it is (a rebuilt page loses a click between its mouse down
  // and up, and the keyboard focus).
  let posted = '';
  window.addEventListener('message', (event) => {
    const key = JSON.stringify(event.data);
    if (key === posted) return;
    posted = key;
    render(event.data);
  });
  vscode.postMessage({ type: 'ready' });
})();
