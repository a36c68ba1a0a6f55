/**
 * Internal, not API: may change in any release without notice. The checkpoint codec behind
 * {@code Optimizer.save/load} and {@code Tensors.save/load}, reading and writing values only
 * (tensors, {@code AdamSettings}, a count), never the optimizer or model classes that call it:
 * <ul>
 *   <li>{@link io.github.skrl4j.adam.internal.checkpoint.OptimizerCheckpoint} and
 *       {@link io.github.skrl4j.adam.internal.checkpoint.TensorsCheckpoint}: the two kinds of file;</li>
 *   <li>{@code SettingsMetadata}: the settings as metadata, derived from the record's components;</li>
 *   <li>{@code CheckpointFormat}: the format's keys, kinds and version, and the version check;</li>
 *   <li>{@code SafeTensorsWriter}, {@code SafeTensorsReader}, {@code HeaderJson} and
 *       {@code ContentChecksum}: the safetensors layout (float32), its header and its CRC-32C;</li>
 *   <li>{@code StrictJsonReader} and {@code MalformedHeaderException}: the header's JSON syntax,
 *       read strictly and within bounds, and the refusal of a header that breaks it or the schema;</li>
 *   <li>{@code AtomicFiles}: replacing a file all at once.</li>
 * </ul>
 */
@NullMarked
package io.github.skrl4j.adam.internal.checkpoint;

import org.jspecify.annotations.NullMarked;
