// Live dashboard of the training run: polls /api/training/series for new points while training runs
// and draws them with uPlot. window.dashboard exposes the charts (the browser test reads them).
(function () {
  'use strict';

  const POLL_MS = 1000;
  const COLORS = { policy: '#2563eb', value: '#ea580c', ret: 'rgba(100,116,139,0.55)', mean: '#16a34a', goal: '#dc2626' };

  // chart data: column arrays as uPlot takes them
  const returns = [[], [], [], []];      // episode, return, mean of last 100, threshold
  const updates = [[], [], [], [], []];  // update, policy grad norm, value grad norm, policy clip, value clip
  const rates = [[], [], []];            // update, policy lr, value lr
  let episodesSince = 0;
  let updatesSince = 0;
  let threshold = 475;
  let clip = { policy: null, value: null };
  let finished = false;

  // log-scale axes: uPlot's default labels round small rates to 0
  const LOG_AXES = [{}, { values: (u, ticks) => ticks.map(v => v == null ? '' : Number(v).toExponential(0)), size: 60 }];

  function width(el) { return Math.max(320, el.clientWidth || 800); }

  function makeChart(id, title, series, extra) {
    const el = document.getElementById(id);
    const opts = Object.assign({
      title: title,
      width: width(el),
      height: 260,
      series: [{ label: series[0] }].concat(series.slice(1)),
      legend: { live: true },
    }, extra || {});
    // every chart's x axis counts episodes or updates, not time; extra.scales adds the y scale
    opts.scales = Object.assign({ x: { time: false } }, (extra || {}).scales);
    return new uPlot(opts, series.map(() => []), el);
  }

  const charts = {
    returns: makeChart('chart-returns', 'Episode return', [
      'episode',
      { label: 'return', stroke: COLORS.ret, width: 1, points: { show: false } },
      { label: 'mean of last 100', stroke: COLORS.mean, width: 2 },
      { label: 'solved', stroke: COLORS.goal, width: 1, dash: [6, 4], points: { show: false } },
    ], { scales: { y: { range: [0, 520] } } }),
    gradNorms: makeChart('chart-gradnorms', 'Global gradient norm before clipping (mean per update)', [
      'update',
      { label: 'policy', stroke: COLORS.policy, width: 2 },
      { label: 'value', stroke: COLORS.value, width: 2 },
      { label: 'policy clip', stroke: COLORS.policy, width: 1, dash: [4, 4], points: { show: false } },
      { label: 'value clip', stroke: COLORS.value, width: 1, dash: [2, 6], points: { show: false } },
    ], { scales: { y: { distr: 3 } }, axes: LOG_AXES }),
    learningRates: makeChart('chart-lr', 'Learning rate (policy: KL-adaptive, value: fixed)', [
      'update',
      { label: 'policy', stroke: COLORS.policy, width: 2 },
      { label: 'value', stroke: COLORS.value, width: 2 },
    ], { scales: { y: { distr: 3 } }, axes: LOG_AXES }),
  };

  function text(id, value) { document.getElementById(id).textContent = value; }

  function fmt(x, digits) { return x == null ? '–' : Number(x).toFixed(digits); }

  function showState(t) {
    const status = document.getElementById('status');
    status.textContent = t.status.replace('_', ' ');
    status.className = 'status ' + t.status;
    status.dataset.status = t.status;
    text('episodes', t.episodes.toLocaleString('en'));
    text('steps', t.environmentSteps.toLocaleString('en'));
    text('updates', t.updates.toLocaleString('en'));
    text('mean', fmt(t.meanReturn100, 1));
    text('threshold', 'solved at ' + t.solvedThreshold);
    text('elapsed', fmt(t.elapsedSeconds, 1) + ' s');
    threshold = t.solvedThreshold;
    // data-parallel training: this replica's rank, the world, and its parameters' checksum
    const replica = document.getElementById('replica');
    replica.hidden = !t.replica;
    if (t.replica) {
      text('replica-rank', 'rank ' + t.replica.rank + ' of ' + t.replica.worldSize);
      text('replica-checksum', t.replica.parameterChecksum == null ? ''
          : 'parameters crc32c ' + t.replica.parameterChecksum + (t.replica.consistent ? ' (all replicas equal)' : ' (DIVERGED)'));
      // the world: FORMING, TRAINING, REFORMING, DONE or BROKEN, how often it re-formed, and what broke it last
      const world = document.getElementById('replica-world');
      const restarts = t.replica.restarts;
      world.textContent = 'world ' + t.replica.world
          + (restarts > 0 ? ', re-formed ' + restarts + (restarts === 1 ? ' time' : ' times') : '');
      world.dataset.world = t.replica.world;
      text('replica-failure', t.replica.lastFailure == null ? ''
          : 'last failure ' + t.replica.lastFailureAt + ': ' + t.replica.lastFailure);
    }
    const err = document.getElementById('error');
    err.hidden = !t.error;
    err.textContent = t.error || '';
    const body = document.querySelector('#optimizers tbody');
    body.innerHTML = '';
    for (const o of t.optimizers) {
      clip[o.name] = o.gradNormClip > 0 ? o.gradNormClip : null;
      const tr = document.createElement('tr');
      tr.dataset.optimizer = o.name;
      for (const v of [o.name, String(o.scale), o.count.toLocaleString('en'), Number(o.learningRate).toExponential(3),
                       o.lastGradientNorm == null ? '–' : Number(o.lastGradientNorm).toFixed(4),
                       o.gradNormClip > 0 ? o.gradNormClip : 'off']) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
  }

  function append(series) {
    for (const e of series.episodes) {
      returns[0].push(e.episode);
      returns[1].push(e.episodeReturn);
      returns[2].push(e.meanReturn100);
      returns[3].push(threshold);
    }
    for (const u of series.updates) {
      updates[0].push(u.update);
      updates[1].push(u.policyGradientNorm);
      updates[2].push(u.valueGradientNorm);
      updates[3].push(clip.policy);
      updates[4].push(clip.value);
      rates[0].push(u.update);
      rates[1].push(u.policyLearningRate);
      rates[2].push(u.valueLearningRate);
    }
    episodesSince = series.episodeCount;
    updatesSince = series.updateCount;
    if (series.episodes.length) { charts.returns.setData(returns); }
    if (series.updates.length) { charts.gradNorms.setData(updates); charts.learningRates.setData(rates); }
  }

  async function poll() {
    try {
      const response = await fetch('/api/training/series?episodesSince=' + episodesSince + '&updatesSince=' + updatesSince);
      if (response.ok) {
        const series = await response.json();
        showState(series.training);
        append(series);
        const final = !['IDLE', 'RUNNING'].includes(series.training.status);
        if (final) {
          // drawn everything up to the end: stop polling
          finished = true;
          return;
        }
      }
    } catch (e) {
      document.getElementById('status').textContent = 'unreachable';
    }
    setTimeout(poll, POLL_MS);
  }

  window.addEventListener('resize', () => {
    for (const c of Object.values(charts)) { c.setSize({ width: width(c.root.parentNode), height: 260 }); }
  });

  window.dashboard = { charts: charts, isFinished: () => finished };
  poll();
})();
