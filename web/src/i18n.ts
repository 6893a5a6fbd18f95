/**
 * The page's words in English and Chinese. Elements carry `data-i18n="key"`
 * (text) or `data-i18n-aria="key"` (aria-label); `translate()` fills them in.
 */

const en = {
  title: 'dnn playground',
  subtitle: 'Build the course\'s deep network, train it in your browser, watch every matrix.',
  language: '中文',
  languageLabel: 'Switch the page to Chinese',
  data: 'Data',
  dataset: 'Dataset',
  'dataset.flower': 'Flower (the course\'s data)',
  'dataset.circles': 'Circles',
  'dataset.xor': 'XOR',
  'dataset.gaussians': 'Two Gaussians',
  'dataset.spiral': 'Spiral',
  noise: 'Noise',
  testShare: 'Test set',
  network: 'Network',
  hiddenLayers: 'Hidden layers',
  addLayer: 'Add layer',
  removeLayer: 'Remove layer {l}',
  layer: 'Layer {l}',
  units: 'Units',
  fewerUnits: 'Fewer units in layer {l}',
  moreUnits: 'More units in layer {l}',
  activation: 'Activation',
  outputLayer: 'Output: 1 unit, sigmoid',
  training: 'Training',
  learningRate: 'Learning rate α',
  optimizer: 'Optimizer',
  'optimizer.gd': 'Gradient descent',
  'optimizer.momentum': 'Momentum',
  'optimizer.rmsprop': 'RMSprop',
  'optimizer.adam': 'Adam',
  batchSize: 'Batch size',
  batchAll: 'all (m)',
  l2: 'L2 λ',
  seed: 'Seed',
  seedHelp: 'Seeds the weights, the train/test split and the mini-batches.',
  unsupported: 'Needs the Model API; not available in this build.',
  play: 'Play',
  pause: 'Pause',
  step: 'Step',
  reset: 'Reset',
  iteration: 'Iteration',
  perSecond: '{n} updates/s',
  trainCost: 'Train cost',
  testCost: 'Test cost',
  trainAccuracy: 'Train accuracy',
  testAccuracy: 'Test accuracy',
  boundary: 'Decision boundary',
  boundaryAria: 'The output probability over the input plane, with the training points (filled) and test points (ringed).',
  costCurve: 'Cost',
  costAria: 'Train and test cost against iterations.',
  legendTrain: 'train',
  legendTest: 'test',
  networkView: 'The network',
  networkAria: 'The network {dims}: every unit drawn as its activation over the input plane; lines are weights, blue positive, orange negative, thicker when larger.',
  networkHelp: 'Each square is one unit\'s activation over the input plane. Lines are weights: blue positive, orange negative, thicker when larger.',
  inputLayer: 'input',
  outputLayerShort: 'output',
  dims: 'Check the matrix dimensions',
  dimsIntro: 'As the tutorial asks: write out the shape of every matrix. Here for the current network with m = {m} training examples.',
  dimsBatch: 'One update uses a mini-batch of {b} examples: Z[l] and A[l] then have {b} columns.',
  dimsX: 'X = A[0] is (n[0], m) = {shape}.',
  diverged: 'The cost is no longer finite: the network diverged. Choose a lower learning rate: the network starts over with it.',
  legendClass0: 'class 0',
  legendClass1: 'class 1',
};

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  title: 'dnn 演练场',
  subtitle: '搭建课程中的深层神经网络，在浏览器里训练，看清每一个矩阵。',
  language: 'English',
  languageLabel: '切换到英文',
  data: '数据',
  dataset: '数据集',
  'dataset.flower': '花朵（课程中的平面数据）',
  'dataset.circles': '同心圆',
  'dataset.xor': '异或',
  'dataset.gaussians': '两个高斯分布',
  'dataset.spiral': '螺旋',
  noise: '噪声',
  testShare: '测试集',
  network: '网络',
  hiddenLayers: '隐藏层',
  addLayer: '添加一层',
  removeLayer: '删除第 {l} 层',
  layer: '第 {l} 层',
  units: '单元数',
  fewerUnits: '第 {l} 层减少一个单元',
  moreUnits: '第 {l} 层增加一个单元',
  activation: '激活函数',
  outputLayer: '输出层：1 个单元，sigmoid',
  training: '训练',
  learningRate: '学习率 α',
  optimizer: '优化器',
  'optimizer.gd': '梯度下降',
  'optimizer.momentum': '动量',
  'optimizer.rmsprop': 'RMSprop',
  'optimizer.adam': 'Adam',
  batchSize: '批大小',
  batchAll: '全部 (m)',
  l2: 'L2 λ',
  seed: '随机种子',
  seedHelp: '决定权重初始化、训练/测试划分和小批量顺序。',
  unsupported: '需要 Model API；当前版本不可用。',
  play: '开始',
  pause: '暂停',
  step: '单步',
  reset: '重置',
  iteration: '迭代次数',
  perSecond: '每秒 {n} 次更新',
  trainCost: '训练集代价',
  testCost: '测试集代价',
  trainAccuracy: '训练集准确率',
  testAccuracy: '测试集准确率',
  boundary: '决策边界',
  boundaryAria: '输入平面上的输出概率，实心点为训练样本，圆圈为测试样本。',
  costCurve: '代价',
  costAria: '训练集和测试集的代价随迭代次数的变化。',
  legendTrain: '训练',
  legendTest: '测试',
  networkView: '网络',
  networkAria: '网络 {dims}：每个单元显示为它在输入平面上的激活值；连线是权重，蓝色为正，橙色为负，越粗绝对值越大。',
  networkHelp: '每个方块是一个单元在输入平面上的激活值。连线是权重：蓝色为正，橙色为负，越粗绝对值越大。',
  inputLayer: '输入',
  outputLayerShort: '输出',
  dims: '核对矩阵的维数',
  dimsIntro: '如教程所说：写出每个矩阵的维数。下表对应当前网络，训练样本数 m = {m}。',
  dimsBatch: '每次更新使用 {b} 个样本的小批量：此时 Z[l] 和 A[l] 有 {b} 列。',
  dimsX: 'X = A[0] 的维数是 (n[0], m) = {shape}。',
  diverged: '代价已不是有限值：网络发散了。请选一个更小的学习率：网络会用它重新开始。',
  legendClass0: '类别 0',
  legendClass1: '类别 1',
};

export type Lang = 'en' | 'zh';
const messages: Record<Lang, Record<MessageKey, string>> = { en, zh };
let lang: Lang = 'en';

export function getLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  translate(document);
}

/** The message `key` in the current language, with `{name}` replaced by `params.name`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return messages[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** Fills every `data-i18n` text and `data-i18n-aria` label under `root`. */
export function translate(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as MessageKey, params(el));
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria as MessageKey, params(el)));
}

function params(el: HTMLElement): Record<string, string> {
  return el.dataset.i18nParams ? (JSON.parse(el.dataset.i18nParams) as Record<string, string>) : {};
}
