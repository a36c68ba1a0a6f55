/**
 * Internal, not API: may change in any release without notice. The checkpoint codec behind
 * {@code Optimizer.save/load} and {@code Tensors.save/load}: the safetensors file format (float32,
 * with a CRC-32C), the strict JSON of its header, atomic file replacement, and the mapping of an
 * optimizer's settings and state to a file's metadata and tensors.
 */
@NullMarked
package io.github.skrl4j.adam.internal.checkpoint;

import org.jspecify.annotations.NullMarked;
