// Pre-activation ResNet-1001 for CIFAR-10 from Kaiming He, Xiangyu Zhang, Shaoqing Ren and Jian Sun
// (2016), "Identity Mappings in Deep Residual Networks".
//
// Reduction to the format: the file keeps the order of the ops on every gradient path and drops
// kernel sizes, strides and channel widths, because a weight op has the same gain whatever its
// shape. A pre-activation
// bottleneck unit computes x + F(x) with F = BN, ReLU, 1x1 conv, BN, ReLU, 3x3 conv, BN, ReLU,
// 1x1 conv, and applies nothing after the addition. The depth is 9n + 2 with n = 111 units per
// stage: 3 stages of 111 units with 3 convolutions each, plus the first convolution and the final
// fully connected layer. The first unit of each stage increases the channel count (16 to 64 in
// stage 1, which keeps the 32x32 size, then 64 to 128 and 128 to 256 with stride 2), so it uses a
// 1x1 projection shortcut. In the authors' Torch code (KaimingHe/resnet-1k-layers,
// resnet-pre-act.lua) that unit applies BN and ReLU before splitting into the two paths, so both
// of its paths start with them; it is the block "preact_bottleneck_down". Since no unit has an
// activation after its sum, the network applies BN and ReLU after the last unit, then global
// average pooling and the classifier.
// The same model as preact-resnet1001.arch.json, written in the TypeScript DSL; the tests check that both give
// the same W and findings.
import { defineModel } from 'reslint';

export default defineModel({
  "reslint": 1,
  "name": "Pre-activation ResNet-1001",
  "description": "CIFAR-10 ResNet-1001: 3 stages of 111 pre-activation bottleneck units.",
  "blocks": {
    "preact_bottleneck": {
      "description": "Pre-activation bottleneck unit: identity shortcut, nothing after the sum.",
      "paths": {
        "shortcut": [],
        "residual": [
          "batchnorm", "relu", "conv",
          "batchnorm", "relu", "conv",
          "batchnorm", "relu", "conv"
        ]
      }
    },
    "preact_bottleneck_down": {
      "description": "First unit of a stage: shared BN and ReLU, then a 1x1 projection beside the bottleneck.",
      "paths": {
        "shortcut": ["batchnorm", "relu", "conv"],
        "residual": [
          "batchnorm", "relu", "conv",
          "batchnorm", "relu", "conv",
          "batchnorm", "relu", "conv"
        ]
      }
    }
  },
  "layers": [
    // 3x3 convolution on the 32x32 input.
    ["conv"],

    // Stage 1, 32x32.
    { "block": "preact_bottleneck_down", "repeat": 1 },
    { "block": "preact_bottleneck", "repeat": 110 },

    // Stage 2, 16x16.
    { "block": "preact_bottleneck_down", "repeat": 1 },
    { "block": "preact_bottleneck", "repeat": 110 },

    // Stage 3, 8x8.
    { "block": "preact_bottleneck_down", "repeat": 1 },
    { "block": "preact_bottleneck", "repeat": 110 },

    // Final activation, 8x8 average pooling and the 10-way classifier.
    ["batchnorm", "relu", "avgpool", "linear"]
  ]
});
