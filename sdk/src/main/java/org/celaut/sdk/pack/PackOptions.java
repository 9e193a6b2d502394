package org.celaut.sdk.pack;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How {@link ServicePacker} packs: settings that change the form of the output, never the service
 * id. Immutable; build one with {@link #builder()}.
 */
public final class PackOptions {

  /**
   * Files of at least this many bytes become blocks unless told otherwise: 10 MiB, as the
   * reference.
   */
  public static final long DEFAULT_BLOCK_THRESHOLD_BYTES = 10L << 20;

  /** The Docker command used for Dockerfile projects unless told otherwise. */
  public static final String DEFAULT_DOCKER_COMMAND = "docker";

  private static final PackOptions DEFAULTS = builder().build();

  private final Long blockThresholdBytes;
  private final Path registryDir;
  private final String dockerCommand;

  private PackOptions(Builder b) {
    this.blockThresholdBytes = b.blockThresholdBytes;
    this.registryDir = b.registryDir;
    this.dockerCommand = b.dockerCommand;
  }

  /** Every default: threshold from {@code pack_config.json} or 10 MiB, no registry, {@code docker}. */
  public static PackOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The block threshold given here; when empty, the project's {@code block_threshold_bytes}, else
   * {@link #DEFAULT_BLOCK_THRESHOLD_BYTES}, applies.
   */
  public OptionalLong blockThresholdBytes() {
    return blockThresholdBytes == null ? OptionalLong.empty() : OptionalLong.of(blockThresholdBytes);
  }

  /**
   * Where a dependency named by service id is looked up: {@code <dir>/<id>.bee}, {@code
   * <dir>/<id>.service} or {@code <dir>/<id>} (a serialized service).
   */
  public Optional<Path> registryDir() {
    return Optional.ofNullable(registryDir);
  }

  /** The Docker CLI used to build Dockerfile projects (it honours {@code DOCKER_HOST}). */
  public String dockerCommand() {
    return dockerCommand;
  }

  /** Builds {@link PackOptions}. */
  public static final class Builder {
    private Long blockThresholdBytes;
    private Path registryDir;
    private String dockerCommand = DEFAULT_DOCKER_COMMAND;

    private Builder() {}

    /**
     * Files (and embedded services, and the whole filesystem) of at least this many bytes become
     * blocks. Overrides the project's {@code block_threshold_bytes}.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder blockThresholdBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("blockThresholdBytes must be at least 1, got " + bytes);
      }
      this.blockThresholdBytes = bytes;
      return this;
    }

    /** Where dependencies named by id are found (see {@link PackOptions#registryDir()}). */
    public Builder registryDir(Path dir) {
      this.registryDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The Docker CLI to run (a name on PATH or a path). */
    public Builder dockerCommand(String command) {
      this.dockerCommand = Objects.requireNonNull(command, "command");
      return this;
    }

    /** The options. */
    public PackOptions build() {
      return new PackOptions(this);
    }
  }
}
