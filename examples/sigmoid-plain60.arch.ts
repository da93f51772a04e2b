// A deliberately broken network: a 60-layer plain multilayer perceptron with sigmoid activations
// and no residual connections, the setting in which gradients vanish. Xavier Glorot and Yoshua
// Bengio (2010), "Understanding the difficulty of training deep feedforward neural networks",
// found that sigmoid networks trained from standard random initialisation saturate their top
// hidden layer and learn poorly, and traced how back-propagated gradients change from layer to
// layer.
//
// Reduction to the format: each layer is a fully connected layer followed by a sigmoid, repeated
// 60 times. Nothing bypasses a layer, so every gradient crosses all 60 sigmoids. The derivative
// of the sigmoid is at most 0.25 (at z = 0), so with unit-gain weights the gradient shrinks by at
// least a factor of 4 per layer and by at least 4^60, about 1.3e36, over the network. ResLint
// therefore reports the network as vanishing under every gain model, and the file exists to
// show that finding.
// The same model as sigmoid-plain60.arch.json, written in the TypeScript DSL; the tests check that both give
// the same W and findings.
import { defineModel } from 'reslint';

export default defineModel({
  "reslint": 1,
  "name": "Plain sigmoid MLP, 60 layers (broken on purpose)",
  "description": "60 fully connected layers with sigmoid activations and no shortcuts: the gradient vanishes.",
  "layers": [
    { "ops": ["linear", "sigmoid"], "repeat": 60 }
  ]
});
