/**
 * The course's two notebooks, cell by cell, with dnn's step functions.
 *
 *   npm run --silent example:steps                 # "Step by Step": every function's test cell
 *   npm run --silent example:steps -- --app        # and the cat application (a few minutes)
 *   npm run --silent example:steps -- --app --image my_image.jpg
 *
 * Each test cell draws its inputs as the course's testCases do
 * (np.random.seed(s), then randn in the same order) and prints what the
 * notebook prints; the numbers are its "Expected output" (NumPy ≥ 1.14
 * prints one space less before each number than the course's old notebooks).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  computeCost,
  initializeParameters,
  initializeParametersDeep,
  linearActivationBackward,
  linearActivationForward,
  linearBackward,
  linearForward,
  lLayerModel,
  lModelBackward,
  lModelForward,
  loadCatData,
  loadImage,
  Matrix,
  predict,
  printMislabeledImages,
  random,
  twoLayerModel,
  updateParameters,
  type Parameters,
} from '../src/index.ts';

const { values: args } = parseArgs({
  options: {
    app: { type: 'boolean', default: false },
    data: { type: 'string', default: resolve(new URL('.', import.meta.url).pathname, '../../shared/data/catvnoncat') },
    image: { type: 'string' },
    iterations: { type: 'string', default: '2500' },
  },
});

/** print(k + " = " + str(parameters[k])) for every entry */
function show(parameters: Parameters): void {
  for (const [k, v] of Object.entries(parameters)) console.log(k + ' = ' + v);
}

// ---------------------------------------------------------------- Step by Step

console.log('== initialize_parameters(3, 2, 1), after np.random.seed(1)');
// The tutorial's initialize_parameters does not seed (the notebook's seeds 1 inside).
random.seed(1);
show(initializeParameters(3, 2, 1));

console.log('== initialize_parameters_deep([5, 4, 3])');
show(initializeParametersDeep([5, 4, 3])); // seeds 3 inside, as the tutorial's does

console.log('== linear_forward');
random.seed(1); // linear_forward_test_case()
let A = random.randn(3, 2), W = random.randn(1, 3), b = random.randn(1, 1);
const [Z, linearCache] = linearForward(A, W, b);
console.log('Z = ' + Z);

console.log('== linear_activation_forward');
random.seed(2); // linear_activation_forward_test_case()
const APrev = random.randn(3, 2);
W = random.randn(1, 3);
b = random.randn(1, 1);
let [AOut, cache] = linearActivationForward(APrev, W, b, 'sigmoid');
console.log('With sigmoid: A = ' + AOut);
[AOut, cache] = linearActivationForward(APrev, W, b, 'relu');
console.log('With ReLU: A = ' + AOut);

console.log('== L_model_forward');
random.seed(6); // L_model_forward_test_case_2hidden()
let X = random.randn(5, 4);
let parameters: Parameters = {
  W1: random.randn(4, 5), b1: random.randn(4, 1),
  W2: random.randn(3, 4), b2: random.randn(3, 1),
  W3: random.randn(1, 3), b3: random.randn(1, 1),
};
let [AL, caches] = lModelForward(X, parameters);
console.log('AL = ' + AL);
console.log('Length of caches list = ' + caches.length);

console.log('== compute_cost');
let Y = Matrix.fromRows([[1, 1, 0]]);
AL = Matrix.fromRows([[0.8, 0.9, 0.4]]);
console.log('cost = ' + computeCost(AL, Y));

console.log('== linear_backward');
random.seed(1); // linear_backward_test_case()
const dZ = random.randn(3, 4);
A = random.randn(5, 4);
W = random.randn(3, 5);
b = random.randn(3, 1);
let [dAPrev, dW, db] = linearBackward(dZ, [A, W, b]);
console.log('dA_prev = ' + dAPrev);
console.log('dW = ' + dW);
console.log('db = ' + db);

console.log('== linear_activation_backward');
random.seed(2); // linear_activation_backward_test_case()
const dA = random.randn(1, 2);
A = random.randn(3, 2);
W = random.randn(1, 3);
b = random.randn(1, 1);
const Zc = random.randn(1, 2);
for (const activation of ['sigmoid', 'relu'] as const) {
  [dAPrev, dW, db] = linearActivationBackward(dA, [[A, W, b], Zc], activation);
  console.log(activation + ':');
  console.log('dA_prev = ' + dAPrev);
  console.log('dW = ' + dW);
  console.log('db = ' + db);
}

console.log('== L_model_backward');
random.seed(3); // L_model_backward_test_case()
AL = random.randn(1, 2);
Y = Matrix.fromRows([[1, 0]]);
const A1 = random.randn(4, 2), W1 = random.randn(3, 4), b1 = random.randn(3, 1), Z1 = random.randn(3, 2);
const A2 = random.randn(3, 2), W2 = random.randn(1, 3), b2 = random.randn(1, 1), Z2 = random.randn(1, 2);
const grads = lModelBackward(AL, Y, [[[A1, W1, b1], Z1], [[A2, W2, b2], Z2]]);
console.log('dW1 = ' + grads.dW1); // print_grads(grads)
console.log('db1 = ' + grads.db1);
console.log('dA1 = ' + grads.dA1); // the notebook's dA1: layer 1's dA_prev (v4a and later call it dA0)

console.log('== update_parameters');
random.seed(2); // update_parameters_test_case()
parameters = { W1: random.randn(3, 4), b1: random.randn(3, 1), W2: random.randn(1, 3), b2: random.randn(1, 1) };
random.seed(3);
const testGrads = { dW1: random.randn(3, 4), db1: random.randn(3, 1), dW2: random.randn(1, 3), db2: random.randn(1, 1) };
parameters = updateParameters(parameters, testGrads, 0.1); // updates the matrices in place and returns them
show(parameters);

void linearCache;
void cache;

// ------------------------------------------------------ Deep Neural Network - Application

if (args.app) await application();

async function application(): Promise<void> {
  console.log('== load_data()');
  const { trainX, trainY, testX, testY, classes, imageShape } = await loadCatData(args.data);
  const index = 10;
  console.log('y = ' + trainY.get(0, index) + ". It's a " + classes[trainY.get(0, index)] + ' picture.');
  const numPx = imageShape[0];
  console.log('Number of training examples: ' + trainX.cols);
  console.log('Number of testing examples: ' + testX.cols);
  console.log('Each image is of size: (' + numPx + ', ' + numPx + ', 3)');
  console.log("train_x's shape: " + trainX.shapeString()); // already reshaped and divided by 255
  console.log("test_x's shape: " + testX.shapeString());

  console.log('== two_layer_model, 2 iterations');
  const [nX, nH, nY] = [12288, 7, 1];
  let { costs } = twoLayerModel(trainX, trainY, [nX, nH, nY], { numIterations: 2, printCost: false });
  console.log('Cost after first iteration: ' + costs[0]);

  console.log('== L_layer_model, 1 iteration');
  const layersDims = [12288, 20, 7, 5, 1];
  ({ costs } = lLayerModel(trainX, trainY, layersDims, { numIterations: 1, printCost: false }));
  console.log('Cost after first iteration: ' + costs[0]);

  const numIterations = Number(args.iterations);
  console.log(`== L_layer_model, ${numIterations} iterations`);
  const { parameters } = lLayerModel(trainX, trainY, layersDims, { numIterations, printCost: true });
  // The course's predict prints the accuracy and returns p; dnn's returns { p, probas, accuracy }.
  const predTrain = predict(trainX, trainY, parameters);
  console.log('Accuracy: ' + predTrain.accuracy);
  const predTest = predict(testX, testY, parameters);
  console.log('Accuracy: ' + predTest.accuracy);

  console.log('== print_mislabeled_images');
  printMislabeledImages(classes, testX, testY, predTest.p);

  if (args.image) {
    console.log('== your own image');
    const myImage = await loadImage(args.image, numPx); // (num_px * num_px * 3, 1), divided by 255
    const myLabelY = Matrix.fromRows([[1]]); // the true class of your image (1 -> cat, 0 -> non-cat)
    const myPredictedImage = predict(myImage, myLabelY, parameters);
    console.log('Accuracy: ' + myPredictedImage.accuracy);
    const y = myPredictedImage.p.get(0, 0);
    console.log('y = ' + y + ', your L-layer model predicts a "' + classes[y] + '" picture.');
  }
}
