/**
 * The playground page: the editor on the left, the network and the
 * dimension table in the middle, the decision boundary, the metrics and the
 * cost curve on the right. All training runs in a Web Worker; this module
 * only keeps the configuration, sends it, and draws what comes back.
 */
import {
  DATASETS,
  DEFAULT_NOISE,
  defaultConfig,
  HIDDEN_ACTIVATIONS,
  layerDims,
  MAX_HIDDEN_LAYERS,
  MAX_UNITS,
  OPTIMIZERS,
  trainExamples,
  type DatasetName,
  type HiddenActivation,
  type OptimizerName,
  type PlaygroundConfig,
} from './config.ts';
import { gridPoints } from './data.ts';
import { formatMetric } from './format.ts';
import { dimensionRows, shape } from './dims.ts';
import { getLang, setLang, t, translate, type Lang, type MessageKey } from './i18n.ts';
import type { DataMessage, FromWorker, SnapshotMessage, ToWorker } from './protocol.ts';
import { CAPABILITIES } from './trainer.ts';
import { drawBoundary } from './views/boundary.ts';
import { drawCost, type CostPoint } from './views/chart.ts';
import { drawNetwork } from './views/network.ts';

const BOUNDARY_GRID = 64;
const NEURON_GRID = 20;
const LEARNING_RATES = [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1, 1.2, 3];
const BATCH_SIZES = [0, 1, 8, 16, 32, 64, 128];
const L2_VALUES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
const MAX_HISTORY = 1500;

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const el = {
  lang: $<HTMLButtonElement>('lang'),
  play: $<HTMLButtonElement>('play'),
  step: $<HTMLButtonElement>('step'),
  reset: $<HTMLButtonElement>('reset'),
  iteration: $<HTMLOutputElement>('iteration'),
  rate: $<HTMLSpanElement>('rate'),
  status: $<HTMLParagraphElement>('status'),
  dataset: $<HTMLSelectElement>('dataset'),
  noise: $<HTMLInputElement>('noise'),
  noiseValue: $<HTMLOutputElement>('noise-value'),
  testShare: $<HTMLInputElement>('test-share'),
  testValue: $<HTMLOutputElement>('test-value'),
  addLayer: $<HTMLButtonElement>('add-layer'),
  layers: $<HTMLOListElement>('layers'),
  learningRate: $<HTMLSelectElement>('learning-rate'),
  optimizer: $<HTMLSelectElement>('optimizer'),
  batchSize: $<HTMLSelectElement>('batch-size'),
  l2: $<HTMLSelectElement>('l2'),
  seed: $<HTMLInputElement>('seed'),
  unsupported: $<HTMLParagraphElement>('unsupported'),
  network: $<HTMLCanvasElement>('network'),
  dims: $<HTMLTableElement>('dims'),
  dimsIntro: $<HTMLParagraphElement>('dims-intro'),
  dimsBatch: $<HTMLParagraphElement>('dims-batch'),
  boundary: $<HTMLCanvasElement>('boundary'),
  trainCost: $<HTMLElement>('train-cost'),
  testCost: $<HTMLElement>('test-cost'),
  trainAccuracy: $<HTMLElement>('train-accuracy'),
  testAccuracy: $<HTMLElement>('test-accuracy'),
  cost: $<HTMLCanvasElement>('cost'),
};

let config: PlaygroundConfig = defaultConfig();
let data: DataMessage | undefined;
let snapshot: SnapshotMessage | undefined;
let history: CostPoint[] = [];
let playing = false;
let drawQueued = false;
let error = '';
/** Counts configurations sent to the worker; messages about older ones are dropped. */
let generation = 0;
/** Counts control messages; a snapshot's `playing` counts only once the worker has seen the latest. */
let control = 0;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<FromWorker>) => receive(e.data);
worker.onerror = (e) => showError(e.message || 'the training worker failed to start');

function send(msg: DistributiveOmit<ToWorker, 'control'>): void {
  worker.postMessage({ ...msg, control: ++control } as ToWorker);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function receive(msg: FromWorker): void {
  if (msg.generation !== generation) return;
  switch (msg.type) {
    case 'data':
      data = msg;
      snapshot = undefined;
      history = [];
      renderDims();
      break;
    case 'snapshot': {
      snapshot = msg;
      document.body.dataset.state = 'ready';
      if (msg.control === control) {
        if (msg.diverged) showError(t('diverged'));
        setPlaying(msg.playing);
      }
      const last = history[history.length - 1];
      if (!last || last.iteration !== msg.iteration) {
        if (last && msg.iteration < last.iteration) history = [];
        history.push({ iteration: msg.iteration, train: msg.train.cost, test: msg.test.cost });
        if (history.length > MAX_HISTORY) history = history.filter((_, i) => i % 2 === 0 || i === history.length - 1);
      }
      break;
    }
    case 'error':
      if (playing) send({ type: 'pause' });
      setPlaying(false);
      showError(msg.message);
      break;
  }
  queueDraw();
}

function showError(message: string): void {
  error = message;
  el.status.textContent = message;
}

function clearError(): void {
  error = '';
  el.status.textContent = '';
}

/** Sends the configuration: the worker rebuilds the data and the network (and keeps playing if it was). */
function restart(): void {
  clearError();
  generation++;
  document.body.dataset.state = 'pending';
  send({ type: 'init', generation, config, boundaryGrid: BOUNDARY_GRID, neuronGrid: NEURON_GRID });
  renderEditor();
  renderDims();
}

function setPlaying(next: boolean): void {
  playing = next;
  el.play.dataset.i18n = next ? 'pause' : 'play';
  el.play.textContent = t(next ? 'pause' : 'play');
  el.play.setAttribute('aria-pressed', String(next));
}

// ---- the editor -------------------------------------------------------------

function option(value: string, label: string, disabled = false): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  o.disabled = disabled;
  return o;
}

function fillSelects(): void {
  el.dataset.replaceChildren(...DATASETS.map((d) => option(d, t(`dataset.${d}` as MessageKey))));
  el.learningRate.replaceChildren(...LEARNING_RATES.map((v) => option(String(v), String(v))));
  el.optimizer.replaceChildren(...OPTIMIZERS.map((o) => option(o, t(`optimizer.${o}` as MessageKey), !CAPABILITIES.optimizers.includes(o))));
  el.batchSize.replaceChildren(...BATCH_SIZES.map((b) => option(String(b), b === 0 ? t('batchAll') : String(b))));
  el.l2.replaceChildren(...L2_VALUES.map((v) => option(String(v), String(v), v !== 0 && !CAPABILITIES.l2)));
  el.unsupported.hidden = CAPABILITIES.l2 && CAPABILITIES.optimizers.length === OPTIMIZERS.length;
}

function renderEditor(): void {
  el.dataset.value = config.data.dataset;
  el.noise.value = String(config.data.noise);
  el.noiseValue.textContent = config.data.noise.toFixed(2);
  el.testShare.value = String(Math.round(config.data.testFraction * 100));
  el.testValue.textContent = `${Math.round(config.data.testFraction * 100)}%`;
  el.learningRate.value = String(config.train.learningRate);
  el.optimizer.value = config.train.optimizer;
  el.batchSize.value = String(config.train.batchSize);
  el.l2.value = String(config.train.l2);
  el.seed.value = String(config.train.seed);
  el.addLayer.disabled = config.hidden.length >= MAX_HIDDEN_LAYERS;
  renderLayers();
}

/** One list item per hidden layer: units (−, number, +), activation, remove. */
function renderLayers(): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
  const items = config.hidden.map((layer, index) => {
    const l = index + 1;
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = t('layer', { l });
    const row = document.createElement('div');
    row.className = 'row';

    const minus = button('−', t('fewerUnits', { l }), `minus-${l}`, () => setUnits(index, layer.units - 1));
    minus.disabled = layer.units <= 1;
    const units = document.createElement('input');
    units.type = 'number';
    units.min = '1';
    units.max = String(MAX_UNITS);
    units.value = String(layer.units);
    units.setAttribute('aria-label', `${t('layer', { l })}: ${t('units')}`);
    units.dataset.focusKey = `units-${l}`;
    // An emptied field keeps the layer's units (Number("") would be 0, clamped to 1 unit).
    units.addEventListener('change', () => (units.value.trim() === '' ? (units.value = String(layer.units)) : setUnits(index, Number(units.value))));
    const plus = button('+', t('moreUnits', { l }), `plus-${l}`, () => setUnits(index, layer.units + 1));
    plus.disabled = layer.units >= MAX_UNITS;

    const act = document.createElement('select');
    act.setAttribute('aria-label', `${t('layer', { l })}: ${t('activation')}`);
    act.dataset.focusKey = `activation-${l}`;
    act.replaceChildren(...HIDDEN_ACTIVATIONS.map((a) => option(a, a)));
    act.value = layer.activation;
    act.addEventListener('change', () => {
      config.hidden[index] = { ...layer, activation: act.value as HiddenActivation };
      restart();
    });

    const remove = button('×', t('removeLayer', { l }), `remove-${l}`, () => {
      config.hidden.splice(index, 1);
      restart();
    });
    row.append(minus, units, plus, act, remove);
    li.append(name, row);
    return li;
  });
  el.layers.replaceChildren(...items);
  if (focused) refocus(focused);
}

/**
 * Gives the keyboard focus back to the control that had it before the layer
 * list was redrawn; when that one is now disabled (+ at 16 units, − at 1) or
 * gone (its layer removed), to the nearest control that is not, so a
 * keyboard user does not land back at the top of the page.
 */
function refocus(key: string): void {
  const l = Number(key.slice(key.lastIndexOf('-') + 1));
  const last = config.hidden.length;
  const keys = [key, `units-${l}`, `remove-${Math.min(l, last)}`];
  for (const k of keys) {
    const target = el.layers.querySelector<HTMLInputElement | HTMLButtonElement | HTMLSelectElement>(`[data-focus-key="${k}"]`);
    if (target && !target.disabled) {
      target.focus();
      return;
    }
  }
  el.addLayer.focus();
}

function button(text: string, label: string, focusKey: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.title = label;
  b.dataset.focusKey = focusKey;
  b.addEventListener('click', onClick);
  return b;
}

function setUnits(index: number, units: number): void {
  if (!Number.isInteger(units)) units = Math.round(units) || 1;
  config.hidden[index] = { ...config.hidden[index], units: Math.max(1, Math.min(MAX_UNITS, units)) };
  restart();
}

el.dataset.addEventListener('change', () => {
  const dataset = el.dataset.value as DatasetName;
  config.data = { ...config.data, dataset, noise: DEFAULT_NOISE[dataset] };
  restart();
});
el.noise.addEventListener('input', () => {
  el.noiseValue.textContent = Number(el.noise.value).toFixed(2);
});
el.noise.addEventListener('change', () => {
  config.data = { ...config.data, noise: Number(el.noise.value) };
  restart();
});
el.testShare.addEventListener('input', () => {
  el.testValue.textContent = `${el.testShare.value}%`;
});
el.testShare.addEventListener('change', () => {
  config.data = { ...config.data, testFraction: Number(el.testShare.value) / 100 };
  restart();
});
el.addLayer.addEventListener('click', () => {
  if (config.hidden.length >= MAX_HIDDEN_LAYERS) return;
  const last = config.hidden[config.hidden.length - 1] ?? { units: 4, activation: 'tanh' as const };
  config.hidden.push({ ...last });
  restart();
  // The button is disabled at the last layer allowed: the keyboard focus moves to that layer.
  if (el.addLayer.disabled) refocus(`units-${config.hidden.length}`);
});
el.learningRate.addEventListener('change', () => {
  config.train = { ...config.train, learningRate: Number(el.learningRate.value) };
  restart();
});
el.optimizer.addEventListener('change', () => {
  config.train = { ...config.train, optimizer: el.optimizer.value as OptimizerName };
  restart();
});
el.batchSize.addEventListener('change', () => {
  config.train = { ...config.train, batchSize: Number(el.batchSize.value) };
  restart();
});
el.l2.addEventListener('change', () => {
  config.train = { ...config.train, l2: Number(el.l2.value) };
  restart();
});
el.seed.addEventListener('change', () => {
  // An emptied field (or text the number input cannot read, which it reports as "") keeps the seed: Number("") would be 0.
  const seed = el.seed.value.trim() === '' ? NaN : Number(el.seed.value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    el.seed.value = String(config.train.seed);
    return;
  }
  config.train = { ...config.train, seed };
  restart();
});

el.play.addEventListener('click', () => {
  clearError();
  send({ type: playing ? 'pause' : 'play' });
  setPlaying(!playing);
});
el.step.addEventListener('click', () => {
  clearError();
  send({ type: 'step', count: 1 });
});
el.reset.addEventListener('click', () => {
  clearError();
  send({ type: 'reset' });
});
el.lang.addEventListener('click', () => {
  const next: Lang = getLang() === 'en' ? 'zh' : 'en';
  try {
    localStorage.setItem('dnn-playground-lang', next);
  } catch {
    // Storage may be off (private mode); the toggle still works for this visit.
  }
  applyLang(next);
});

function applyLang(lang: Lang): void {
  setLang(lang);
  document.title = t('title');
  const keep = { dataset: el.dataset.value, lr: el.learningRate.value, opt: el.optimizer.value, batch: el.batchSize.value, l2: el.l2.value };
  fillSelects();
  el.dataset.value = keep.dataset;
  el.learningRate.value = keep.lr;
  el.optimizer.value = keep.opt;
  el.batchSize.value = keep.batch;
  el.l2.value = keep.l2;
  renderLayers();
  renderDims();
  if (error && snapshot?.diverged) showError(t('diverged'));
  queueDraw();
}

// ---- the dimension table ----------------------------------------------------

function renderDims(): void {
  // From the configuration, not the last data message: that may still be about the previous one (another test share).
  const dims = layerDims(config.hidden);
  const m = trainExamples(config.data);
  const body = el.dims.tBodies[0];
  body.replaceChildren(
    ...dimensionRows(dims, m).map((row) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = String(row.layer);
      tr.append(th, ...[row.W, row.b, row.Z, row.A, row.dW, row.db].map((s) => {
        const td = document.createElement('td');
        td.textContent = shape(s);
        return td;
      }));
      return tr;
    }),
  );
  el.dimsIntro.textContent = `${t('dimsIntro', { m })} ${t('dimsX', { shape: shape([2, m]) })}`;
  const b = config.train.batchSize;
  el.dimsBatch.textContent = b > 0 && b < m ? t('dimsBatch', { b }) : '';
}

// ---- the pictures -------------------------------------------------------------

function queueDraw(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(draw);
}

function draw(): void {
  drawQueued = false;
  const s = snapshot;
  el.iteration.textContent = String(s?.iteration ?? 0);
  el.rate.textContent = s && s.playing && s.rate > 0 ? t('perSecond', { n: Math.round(s.rate) }) : '';
  el.trainCost.textContent = s ? formatMetric(s.train.cost, 4) : '–';
  el.testCost.textContent = s ? formatMetric(s.test.cost, 4) : '–';
  el.trainAccuracy.textContent = s ? formatMetric(s.train.accuracy, 3) : '–';
  el.testAccuracy.textContent = s ? formatMetric(s.test.accuracy, 3) : '–';
  if (!data) return;
  const dims = data.layerDims;
  drawBoundary(el.boundary, s?.boundary, BOUNDARY_GRID, data.extent, { X: data.trainX, Y: data.trainY }, { X: data.testX, Y: data.testY });
  const grid = gridPoints(data.extent, NEURON_GRID);
  const g2 = NEURON_GRID * NEURON_GRID;
  const L = dims.length - 1;
  drawNetwork(el.network, {
    layerDims: dims,
    activations: [...config.hidden.map((h) => h.activation).slice(0, L - 1), 'sigmoid'],
    grid: NEURON_GRID,
    inputs: [grid.subarray(0, g2), grid.subarray(g2)],
    neurons: s?.neurons,
    weights: s?.weights,
    labels: dims.map((_, l) => (l === 0 ? t('inputLayer') : l === L ? `${t('outputLayerShort')}: sigmoid` : `${l}: ${config.hidden[l - 1]?.activation ?? ''}`)),
  });
  el.network.setAttribute('aria-label', t('networkAria', { dims: dims.join('-') }));
  drawCost(el.cost, history);
}

new ResizeObserver(() => queueDraw()).observe(document.body);

// ---- start ------------------------------------------------------------------

function initialLang(): Lang {
  const param = new URLSearchParams(location.search).get('lang');
  if (param === 'zh' || param === 'en') return param;
  try {
    const stored = localStorage.getItem('dnn-playground-lang');
    if (stored === 'zh' || stored === 'en') return stored;
  } catch {
    // No storage: English.
  }
  return 'en';
}

fillSelects();
applyLang(initialLang());
translate(document);
restart();
