package org.celaut.sdk.client;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Options of one service start. Build with {@link #builder()}; {@link #defaults()} has none.
 *
 * <p>A start carries no resources: the protocol's {@code StartService} has no field for them, so
 * an instance starts with what its service declares ({@code resources.at_init}) and may change its
 * own later, from inside, with {@code ServiceContext.modifyResources}.
 *
 * @param environment variables the instance gets (also written to its config file)
 * @param initialMu starting balance in the node's MU; null = the node's default
 * @param timeout how long to wait for the node's answer
 */
public record StartOptions(Map<String, String> environment, BigInteger initialMu, Duration timeout) {

  /** Default time to wait for a start: building an image the first time can take a while. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /** Copies the environment, so the options stay immutable. */
  public StartOptions {
    environment = Map.copyOf(environment);
  }

  /** No variables, the node's default balance, {@link #DEFAULT_TIMEOUT}. */
  public static StartOptions defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link StartOptions}. */
  public static final class Builder {
    private final Map<String, String> env = new TreeMap<>();
    private BigInteger initialMu;
    private Duration timeout = DEFAULT_TIMEOUT;

    Builder() {}

    /** Adds an environment variable; a later value for the same name wins. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** Adds every variable of {@code vars}; later values win. */
    public Builder env(Map<String, String> vars) {
      env.putAll(vars);
      return this;
    }

    /**
     * The instance's starting balance in the node's money unit (MU), sent as {@code
     * Configuration.initial_mu}; null or 0 = the node's default.
     */
    public Builder initialMu(BigInteger mu) {
      this.initialMu = mu;
      return this;
    }

    /** How long to wait for the node's answer (the first start of a service builds its image). */
    public Builder timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    /** The options. */
    public StartOptions build() {
      return new StartOptions(env, initialMu, timeout);
    }
  }
}
