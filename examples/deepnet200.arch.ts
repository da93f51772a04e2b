// 200-layer DeepNet encoder from Hongyu Wang, Shuming Ma, Li Dong, Shaohan Huang, Dongdong Zhang
// and Furu Wei (2022), "DeepNet: Scaling Transformers to 1,000 Layers".
//
// Reduction to the format: DeepNorm replaces the post-LN sub-layer LN(x + G(x)) by
// x_{l+1} = LN(alpha * x_l + G_l(x_l)) and initialises the weights of the feed-forward network
// and the value and output projections of attention with Xavier initialisation of gain beta (the
// query and key projections keep gain 1). For an encoder-only model with N layers the paper sets
//   alpha = (2N)^(1/4)   and   beta = (8N)^(-1/4).
// N counts Transformer layers, each with an attention and a feed-forward sub-layer, as the paper
// does when it counts its 1,000-layer model as 2,500 sub-layers. With N = 200 (400 sub-layers):
//   alpha = 400^(1/4)  = 4.47214
//   beta  = 1600^(-1/4) = 0.158114
// The shortcut path carries alpha as a path scale. In the feed-forward branch each of the two
// linear layers carries beta. The op "attention" stands for the whole multi-head attention, and
// its gradient path through the value and output projections is scaled by beta twice, so it
// carries beta^2 = 1/40 = 0.025. The feed-forward network keeps the ReLU of Vaswani et al. (2017).
// NOTE: the format gives layernorm gain 1, so each sub-layer's W_l here is about alpha plus the
// branch gain. A real LayerNorm divides by the standard deviation of its input, about alpha at
// initialisation, which brings the sub-layer gain back near 1.
// The same model as deepnet200.arch.json, written in the TypeScript DSL; the tests check that both give
// the same W and findings.
import { defineModel } from 'reslint';

export default defineModel({
  "reslint": 1,
  "name": "DeepNet, 200-layer encoder",
  "description": "Post-LN encoder with DeepNorm for N = 200: alpha = 4.47214, beta = 0.158114.",
  "blocks": {
    "attn_sublayer": {
      "description": "LN(alpha * x + Dropout(SelfAttention(x))), value and output projections scaled by beta.",
      "paths": {
        "shortcut": { "ops": [], "scale": 4.47214 },
        "residual": [{ "op": "attention", "scale": 0.025 }, "dropout"]
      },
      "afterSum": ["layernorm"]
    },
    "ffn_sublayer": {
      "description": "LN(alpha * x + Dropout(FFN(x))), both linear layers scaled by beta.",
      "paths": {
        "shortcut": { "ops": [], "scale": 4.47214 },
        "residual": [
          { "op": "linear", "scale": 0.158114 },
          "relu",
          { "op": "linear", "scale": 0.158114 },
          "dropout"
        ]
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
    { "block": "encoder_layer", "repeat": 200 }
  ]
});
