// Inception-ResNet-v2 from Christian Szegedy, Sergey Ioffe, Vincent Vanhoucke and Alex Alemi
// (2017), "Inception-v4, Inception-ResNet and the Impact of Residual Connections on Learning".
//
// Reduction to the format: the file keeps the order of the ops on every gradient path and drops
// kernel sizes, strides, padding and filter counts, because a weight op has the same gain
// whatever its shape. Every convolution inside a branch is followed by batch normalization and
// ReLU. In a residual Inception block the branch outputs are concatenated and passed through a
// linear 1x1 convolution (no activation), scaled down, added to the block input, and the sum goes
// through a ReLU. Backpropagation through a concatenation hands each branch its own slice of the
// gradient, and the slices add up at the block input, so each branch is its own path that ends
// in the shared 1x1 convolution. The residual scale multiplies that convolution's output, so
// every branch path carries it. The paper scales residuals by factors between 0.1 and 0.3
// without fixing one value, and this file uses 0.2 for all three block types. The stem and the
// reduction blocks have no shortcut, and their concatenated branches are paths in the same way.
// The stem has three concatenations in sequence, so it is written as a graph. The repeat counts
// 5, 10 and 5 are those of the paper's Inception-ResNet-v2 schema.
//
// The TF-slim code (tensorflow/models, research/slim/nets/inception_resnet_v2.py) differs from
// the paper: it has 10, 20 and 10 residual blocks with scales 0.17, 0.10 and 0.20, and a stem in
// the style of Inception-v3. This file takes one detail from it: the linear 1x1 convolution has
// no batch normalization.
// The same model as inception-resnet.arch.json, written in the TypeScript DSL; the tests check that both give
// the same W and findings.
import { defineModel } from 'reslint';

export default defineModel({
  "reslint": 1,
  "name": "Inception-ResNet-v2",
  "description": "Inception-ResNet-v2 with 5, 10 and 5 residual Inception blocks, residuals scaled by 0.2.",
  "blocks": {
    "stem": {
      "description": "Stem shared with Inception-v4: three convolutions, then three two-branch concatenations.",
      "graph": [
        // 3x3 convolutions with 32 (stride 2), 32 and 64 filters.
        {
          "from": "in",
          "to": "conv_stack",
          "ops": [
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu"
          ]
        },
        // First concatenation: 3x3 max pooling beside a 3x3 convolution (96), both stride 2.
        { "from": "conv_stack", "to": "concat_1", "ops": ["maxpool"] },
        { "from": "conv_stack", "to": "concat_1", "ops": ["conv", "batchnorm", "relu"] },
        // Second concatenation: 1x1 (64), 3x3 (96), beside 1x1 (64), 7x1 (64), 1x7 (64), 3x3 (96).
        {
          "from": "concat_1",
          "to": "concat_2",
          "ops": ["conv", "batchnorm", "relu", "conv", "batchnorm", "relu"]
        },
        {
          "from": "concat_1",
          "to": "concat_2",
          "ops": [
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu"
          ]
        },
        // Third concatenation: a 3x3 convolution (192) beside max pooling, both stride 2.
        { "from": "concat_2", "to": "out", "ops": ["conv", "batchnorm", "relu"] },
        { "from": "concat_2", "to": "out", "ops": ["maxpool"] }
      ]
    },
    // 35x35 grid. Branches: 1x1 (32 filters); 1x1 (32), 3x3 (32); 1x1 (32), 3x3 (48), 3x3 (64).
    "inception_resnet_a": {
      "description": "Inception-ResNet-A: three branches, a linear 1x1 convolution, residual scale 0.2.",
      "paths": {
        "shortcut": [],
        "branch_1x1": {
          "ops": ["conv", "batchnorm", "relu", "conv"],
          "scale": 0.2
        },
        "branch_3x3": {
          "ops": [
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv"
          ],
          "scale": 0.2
        },
        "branch_double_3x3": {
          "ops": [
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv"
          ],
          "scale": 0.2
        }
      },
      "afterSum": ["relu"]
    },
    // 35x35 to 17x17. Branches: 3x3 max pooling; 3x3 (384); 1x1 (256), 3x3 (256), 3x3 (384).
    "reduction_a": {
      "description": "Reduction-A: max pooling beside two convolution branches, concatenated.",
      "paths": {
        "pool": ["maxpool"],
        "branch_3x3": ["conv", "batchnorm", "relu"],
        "branch_double_3x3": [
          "conv", "batchnorm", "relu",
          "conv", "batchnorm", "relu",
          "conv", "batchnorm", "relu"
        ]
      }
    },
    // 17x17 grid. Branches: 1x1 (192); 1x1 (128), 1x7 (160), 7x1 (192).
    "inception_resnet_b": {
      "description": "Inception-ResNet-B: two branches, a linear 1x1 convolution, residual scale 0.2.",
      "paths": {
        "shortcut": [],
        "branch_1x1": {
          "ops": ["conv", "batchnorm", "relu", "conv"],
          "scale": 0.2
        },
        "branch_7x7": {
          "ops": [
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv"
          ],
          "scale": 0.2
        }
      },
      "afterSum": ["relu"]
    },
    // 17x17 to 8x8. Branches: 3x3 max pooling; 1x1 (256), 3x3 (384); 1x1 (256), 3x3 (288);
    // 1x1 (256), 3x3 (288), 3x3 (320).
    "reduction_b": {
      "description": "Reduction-B: max pooling beside three convolution branches, concatenated.",
      "paths": {
        "pool": ["maxpool"],
        "branch_3x3_384": [
          "conv", "batchnorm", "relu",
          "conv", "batchnorm", "relu"
        ],
        "branch_3x3_288": [
          "conv", "batchnorm", "relu",
          "conv", "batchnorm", "relu"
        ],
        "branch_double_3x3": [
          "conv", "batchnorm", "relu",
          "conv", "batchnorm", "relu",
          "conv", "batchnorm", "relu"
        ]
      }
    },
    // 8x8 grid. Branches: 1x1 (192); 1x1 (192), 1x3 (224), 3x1 (256).
    "inception_resnet_c": {
      "description": "Inception-ResNet-C: two branches, a linear 1x1 convolution, residual scale 0.2.",
      "paths": {
        "shortcut": [],
        "branch_1x1": {
          "ops": ["conv", "batchnorm", "relu", "conv"],
          "scale": 0.2
        },
        "branch_3x3": {
          "ops": [
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv", "batchnorm", "relu",
            "conv"
          ],
          "scale": 0.2
        }
      },
      "afterSum": ["relu"]
    }
  },
  "layers": [
    { "block": "stem" },
    { "block": "inception_resnet_a", "repeat": 5 },
    { "block": "reduction_a" },
    { "block": "inception_resnet_b", "repeat": 10 },
    { "block": "reduction_b" },
    { "block": "inception_resnet_c", "repeat": 5 },

    // Average pooling, dropout (keep probability 0.8) and the classifier.
    ["avgpool", "dropout", "linear"]
  ]
});
