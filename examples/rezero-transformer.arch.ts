// ReZero Transformer encoder from Thomas Bachlechner, Bodhisattwa Prasad Majumder, Huanru Henry
// Mao, Garrison W. Cottrell and Julian McAuley (2020), "ReZero is All You Need: Fast Convergence
// at Large Depth".
//
// Reduction to the format: ReZero drops layer normalization and writes each residual step as
// x_{i+1} = x_i + alpha_i * F(x_i), where alpha_i is a trainable scalar initialised to 0. The
// residual paths therefore carry "scale": 0, the value at initialisation, which this file
// describes. Each encoder layer has an attention sub-layer and a feed-forward sub-layer. The
// ops follow the authors' PyTorch layer (majumderb/rezero, rezero/transformer/rztx.py). It has
// one alpha per layer, shared by both sub-layers, so this file puts the same scale on both
// residual paths. Its feed-forward network uses ReLU with dropout after the activation, and
// each branch has dropout before the addition. The op "attention" stands for the whole
// multi-head attention with its four projections. The first layer, embedding and dropout, is
// the same as in the post-LN example, and the network has 12 encoder layers, like the post-LN
// and pre-LN examples.
// The same model as rezero-transformer.arch.json, written in the TypeScript DSL; the tests check that both give
// the same W and findings.
import { defineModel } from 'reslint';

export default defineModel({
  "reslint": 1,
  "name": "ReZero Transformer encoder, 12 layers",
  "description": "Encoder without LayerNorm, residual branches scaled by a trainable alpha that starts at 0.",
  "blocks": {
    "attn_sublayer": {
      "description": "x + alpha * Dropout(SelfAttention(x)), alpha = 0 at initialisation.",
      "paths": {
        "shortcut": [],
        "residual": { "ops": ["attention", "dropout"], "scale": 0 }
      }
    },
    "ffn_sublayer": {
      "description": "x + alpha * Dropout(FFN(x)), alpha = 0 at initialisation.",
      "paths": {
        "shortcut": [],
        "residual": { "ops": ["linear", "relu", "dropout", "linear", "dropout"], "scale": 0 }
      }
    },
    "encoder_layer": {
      "description": "One encoder layer: the attention sub-layer, then the feed-forward sub-layer.",
      "paths": {
        "layer": [{ "block": "attn_sublayer" }, { "block": "ffn_sublayer" }]
      }
    }
  },
  "layers": [
    ["embedding", "dropout"],
    { "block": "encoder_layer", "repeat": 12 }
  ]
});
