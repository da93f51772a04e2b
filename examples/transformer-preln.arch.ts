// Pre-LN Transformer encoder as analysed by Ruibin Xiong et al. (2020), "On Layer Normalization in
// the Transformer Architecture".
//
// Reduction to the format: this is the post-LN example (transformer-postln.arch.json) with the
// layer normalization moved inside each residual branch, x + Dropout(Sublayer(LayerNorm(x))), so
// nothing follows the sum and the shortcut path is the identity. Because the residual stream is
// never normalized between layers, a final layer normalization follows the last layer. The op
// "attention" stands for the whole multi-head attention with its four projections, the
// feed-forward network keeps the ReLU of Vaswani et al. (2017), and the network has 12 layers,
// like the post-LN and ReZero examples.
// The same model as transformer-preln.arch.json, written in the TypeScript DSL; the tests check that both give
// the same W and findings.
import { defineModel } from 'reslint';

export default defineModel({
  "reslint": 1,
  "name": "Transformer encoder, pre-LN, 12 layers",
  "description": "12-layer encoder with LayerNorm at the start of each residual branch and at the end.",
  "blocks": {
    "attn_sublayer": {
      "description": "x + Dropout(SelfAttention(LayerNorm(x))).",
      "paths": {
        "shortcut": [],
        "residual": ["layernorm", "attention", "dropout"]
      }
    },
    "ffn_sublayer": {
      "description": "x + Dropout(FFN(LayerNorm(x))) with a ReLU feed-forward network.",
      "paths": {
        "shortcut": [],
        "residual": ["layernorm", "linear", "relu", "linear", "dropout"]
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
    { "block": "encoder_layer", "repeat": 12 },
    ["layernorm"]
  ]
});
