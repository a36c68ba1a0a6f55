package io.github.skrl4j.adam.internal.kernel;

/**
 * The shape of a norm block, in one place because five classes build on it: the tree
 * ({@code NormTree}), the floor check ({@code GradientFloor}), the all-zero check
 * ({@code ZeroCheck}), the scratch they share ({@code NormScratch}, whose arrays hold one block) and
 * the vector kernel. C2 (JDK 17) vectorizes only loops over constant distances, so each of them
 * folds a block in loops written out at literal distances, from 2,048 down to 16: a size changed
 * here must be changed in those loops too.
 */
final class NormBlock {

    /** Float lanes of the norm: one row, 1 KiB. */
    static final int NORM_LANES = 256;
    /** Gradients per norm block: 16 rows, added in a tree of four levels. */
    static final int NORM_BLOCK = 4096;
    /**
     * Lanes a block's fold ends at: the tree halves its row in float down to these, each then added to
     * one of eight double sums; the floor and all-zero checks fold their products and sums down to as many.
     */
    static final int FOLDED_LANES = 16;

    private NormBlock() {
    }
}
