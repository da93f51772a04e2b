// Post-LN Transformer encoder from Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit,
// Llion Jones, Aidan N. Gomez, Łukasz Kaiser and Illia Polosukhin (2017), "Attention Is All You
// Need".
//
// Reduction to the format: every encoder layer has two sub-layers, self-attention and a
// position-wise feed-forward network FFN(x) = max(0, x W1 + b1) W2 + b2, and each sub-layer
// computes LayerNorm(x + Dropout(Sublayer(x))). Each sub-layer is a block whose residual path
// ends in dropout and whose afterSum is the layer normalization, so the normalization lies on the
// shortcut path as well. The op "attention" stands for the whole multi-head attention, with its
// query, key, value and output projections. The block "encoder_layer" chains the two sub-layer
// blocks on its one path. The first layer is the token embedding followed by the dropout that
// the paper applies to the sum of embeddings and positional encodings; the positional encodings
// carry no parameters and are left out. The paper's base encoder has 6 layers. This file stacks
// 12, the depth of the pre-LN and ReZero examples, so the three differ only in their
// normalization and branch scaling.
// The same model as transformer-postln.arch.json, written in the TypeScript DSL; the tests check that both give
// the same W and findings.
import { defineModel } from 'reslint';

export default defineModel({
  "reslint": 1,
  "name": "Transformer encoder, post-LN, 12 layers",
  "description": "Encoder of Vaswani et al. (2017) with LayerNorm after each residual sum, 12 layers deep.",
  "blocks": {
    "attn_sublayer": {
      "description": "LayerNorm(x + Dropout(SelfAttention(x))).",
      "paths": {
        "shortcut": [],
        "residual": ["attention", "dropout"]
      },
      "afterSum": ["layernorm"]
    },
    "ffn_sublayer": {
      "description": "LayerNorm(x + Dropout(FFN(x))) with a ReLU feed-forward network.",
      "paths": {
        "shortcut": [],
        "residual": ["linear", "relu", "linear", "dropout"]
      },
      "afterSum": ["layernorm"]
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
