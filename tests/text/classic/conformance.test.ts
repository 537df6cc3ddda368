import { LinearSvmClassifier, LogisticRegressionClassifier, NaiveBayesClassifier } from '../../../src/text/index.js';
import { runClassifierConformance } from '../../conformance/classifier-conformance.js';

runClassifierConformance('NaiveBayesClassifier', (seed) => new NaiveBayesClassifier({ seed }), {
  fitSeconds: 10,
  minAccuracy: 0.6,
});
runClassifierConformance('LogisticRegressionClassifier', (seed) => new LogisticRegressionClassifier({ seed, C: 10 }), {
  fitSeconds: 10,
  minAccuracy: 0.6,
});
runClassifierConformance('LinearSvmClassifier', (seed) => new LinearSvmClassifier({ seed }), {
  fitSeconds: 10,
  minAccuracy: 0.6,
});
