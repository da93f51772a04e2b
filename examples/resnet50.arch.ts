// ResNet-50 v1 from Kaiming He, Xiangyu Zhang, Shaoqing Ren and Jian Sun (2016),
// "Deep Residual Learning for Image Recognition".
//
// Reduction to the format: the file keeps the order of the ops on every gradient path. It drops
// kernel sizes, strides and channel widths, because a weight op has the same gain whatever its
// shape, and the final softmax, which belongs to the loss. Each bottleneck block is 1x1, 3x3 and
// 1x1 convolutions, with batch normalization right after every convolution and ReLU after the
// first two, then a ReLU after the addition (post-activation). The first block of every stage
// changes the channel count (and, from the second stage on, the spatial size), so it has a
// projection shortcut, a 1x1 convolution with batch normalization. Because that shortcut is not
// the identity, the first block is the separate block "bottleneck_down" and the other blocks of
// the stage are "bottleneck". The stages conv2_x to conv5_x have 3, 4, 6 and 3 blocks. With the
// 7x7 stem convolution and the final fully connected layer that makes 1 + 3 * 16 + 1 = 50 weight
// layers.
// The same model as resnet50.arch.json, written with the TypeScript DSL's helpers; the tests
// check that both give the same W and findings. ResLint reads this file statically and never runs
// it.
import { defineModel } from 'reslint';

/** conv -> batchnorm, the unit every convolution of the network uses. */
const convBn = ['conv', 'batchnorm'];
const residual = [...convBn, 'relu', ...convBn, 'relu', ...convBn];

/** A post-activation bottleneck block whose shortcut carries the given ops. */
const bottleneck = (description: string, shortcut: string[]) => ({
  description,
  paths: { shortcut, residual },
  afterSum: ['relu'],
});

/** Blocks per stage, conv2_x to conv5_x. */
const stages = [3, 4, 6, 3];

export default defineModel({
  reslint: 1,
  name: 'ResNet-50 v1',
  description: 'ImageNet ResNet-50 with post-activation bottleneck blocks in stages of 3, 4, 6 and 3.',
  blocks: {
    bottleneck: bottleneck('Bottleneck block with an identity shortcut and ReLU after the sum.', []),
    bottleneck_down: bottleneck('First bottleneck block of a stage: 1x1 convolution and batch normalization on the shortcut.', convBn),
  },
  layers: [
    // Stem: 7x7 convolution with stride 2, then 3x3 max pooling with stride 2.
    [...convBn, 'relu', 'maxpool'],
    // Each stage starts with a projection block, then repeats the identity block.
    ...stages.flatMap((blocks) => [
      { block: 'bottleneck_down', repeat: 1 },
      { block: 'bottleneck', repeat: blocks - 1 },
    ]),
    // Global average pooling and the 1000-way fully connected layer.
    ['avgpool', 'linear'],
  ],
});
