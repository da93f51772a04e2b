// A general DAG block with two internal nodes, G and F, written as a graph from "in" to "out":
// the worked example of a block that named paths cannot express.
//
// Reduction to the format: every edge carries one anonymous op with an explicit gain, so each
// edge has the same gain in all three gain models. Two parallel edges run from "in" to G, G
// feeds F, two more parallel edges run from "in" straight to F, and F is connected to "out" by
// an edge with no ops (gain 1). The block has four paths from "in" to "out":
//   in -> G -> F -> out   0.5  * 0.8 = 0.4
//   in -> G -> F -> out   0.25 * 0.8 = 0.2
//   in -> F -> out        0.1
//   in -> F -> out        0.2
// The seed and bound models sum them, W_l = (0.5 + 0.25) * 0.8 + 0.1 + 0.2 = 0.9. The variance
// model adds them in quadrature, W_l = sqrt(0.4^2 + 0.2^2 + 0.1^2 + 0.2^2) = 0.5. The network
// repeats the block 4 times, so W = 0.9^4 = 0.6561 in the seed and bound models.
// The same model as figure33.arch.json, written in the TypeScript DSL; the tests check that both give
// the same W and findings.
import { defineModel } from 'reslint';

export default defineModel({
  "reslint": 1,
  "name": "Two-node DAG block",
  "description": "A DAG block with internal nodes G and F and W_l = 0.9 (seed model), repeated 4 times.",
  "blocks": {
    "figure33": {
      "description": "Two edges in -> G, one edge G -> F, two edges in -> F, and F -> out.",
      "graph": [
        { "from": "in", "to": "G", "ops": [{ "gain": 0.5 }] },
        { "from": "in", "to": "G", "ops": [{ "gain": 0.25 }] },
        { "from": "G", "to": "F", "ops": [{ "gain": 0.8 }] },
        { "from": "in", "to": "F", "ops": [{ "gain": 0.1 }] },
        { "from": "in", "to": "F", "ops": [{ "gain": 0.2 }] },
        { "from": "F", "to": "out" }
      ]
    }
  },
  "layers": [
    { "block": "figure33", "repeat": 4 }
  ]
});
