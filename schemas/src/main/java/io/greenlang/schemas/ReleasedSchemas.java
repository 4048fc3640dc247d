package io.greenlang.schemas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;
import org.apache.avro.SchemaParser;
import org.apache.avro.message.SchemaStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema store of every released version of every top-level event schema, looked up by the
 * CRC-64-AVRO fingerprint that Avro single-object encoding puts in front of each message.
 *
 * <p>Released versions live in the repository under {@code schemas/src/main/avro-released/
 * <FullName>/v<N>.avsc} and ship in the jar under {@code avro-released/}. The file
 * {@value #INDEX_RESOURCE} lists them, so loading never scans the classpath. A released file is
 * immutable: a schema change is made in {@code src/main/avro} and released as the next
 * {@code vN.avsc}; the compatibility tests check that the current schema can read every released one.
 *
 * <p>Instances are immutable and thread-safe. This class must never hold a schema that is not in
 * the index (no runtime registration), and must never be used to decide which schema to
 * <em>write</em> with: writers always use the current generated class.
 */
public final class ReleasedSchemas implements SchemaStore {

  /** Classpath resource listing every released schema file, one {@code <FullName>/v<N>.avsc} per line. */
  public static final String INDEX_RESOURCE = "avro-released/index.txt";

  private static final Pattern ENTRY = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)/v([1-9][0-9]*)\\.avsc");
  private static final Logger LOG = LoggerFactory.getLogger(ReleasedSchemas.class);

  /**
   * One released version of one event schema.
   *
   * @param fullName full Avro name of the record, e.g. {@code io.greenlang.events.run.RunRequested}
   * @param version version number, 1 for the first release
   * @param schema the parsed, self-contained schema
   * @param fingerprint CRC-64-AVRO fingerprint of the schema's parsing canonical form
   * @param resource classpath resource the schema was loaded from
   */
  public record Version(String fullName, int version, Schema schema, long fingerprint, String resource) {

    /**
     * Checks that no component is null.
     *
     * @param fullName full Avro name of the record
     * @param version version number, 1 for the first release
     * @param schema the parsed, self-contained schema
     * @param fingerprint CRC-64-AVRO fingerprint of the schema's parsing canonical form
     * @param resource classpath resource the schema was loaded from
     */
    public Version {
      Objects.requireNonNull(fullName, "fullName");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(resource, "resource");
    }
  }

  private final Map<Long, Version> byFingerprint;
  private final Map<String, List<Version>> byFullName;

  private ReleasedSchemas(List<Version> versions) {
    Map<Long, Version> fingerprints = new HashMap<>();
    Map<String, List<Version>> names = new LinkedHashMap<>();
    for (Version v : versions) {
      Version sameFingerprint = fingerprints.putIfAbsent(v.fingerprint(), v);
      if (sameFingerprint != null) {
        throw new IllegalStateException(String.format(
            "Released schema %s has the same wire schema (fingerprint 0x%016x) as %s: release a new "
                + "version only when the schema changes on the wire, not for doc or default changes",
            v.resource(), v.fingerprint(), sameFingerprint.resource()));
      }
      List<Version> ofName = names.computeIfAbsent(v.fullName(), n -> new ArrayList<>());
      if (ofName.stream().anyMatch(other -> other.version() == v.version())) {
        throw new IllegalStateException("Released schema " + v.resource() + " is listed twice in the index");
      }
      ofName.add(v);
    }
    Map<String, List<Version>> sorted = new LinkedHashMap<>();
    names.keySet().stream().sorted().forEach(name -> sorted.put(name,
        names.get(name).stream().sorted(Comparator.comparingInt(Version::version)).toList()));
    this.byFingerprint = Map.copyOf(fingerprints);
    this.byFullName = Collections.unmodifiableMap(sorted);
  }

  /**
   * The released schemas shipped with this module, loaded once from {@value #INDEX_RESOURCE}.
   *
   * @return the production store
   * @throws IllegalStateException if the index or a listed file is missing or invalid
   */
  public static ReleasedSchemas production() {
    return ProductionHolder.INSTANCE;
  }

  /**
   * Loads the released schemas listed by an index resource.
   *
   * @param loader class loader to read the index and the schema files from
   * @param indexResource classpath resource of the index; its entries are relative to its directory
   * @return the loaded store
   * @throws IllegalStateException naming the file if the index or a listed file is missing, does not
   *     parse, or declares a different full name than its directory
   */
  public static ReleasedSchemas load(ClassLoader loader, String indexResource) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(indexResource, "indexResource");
    int slash = indexResource.lastIndexOf('/');
    String baseDir = slash < 0 ? "" : indexResource.substring(0, slash + 1);
    List<Version> versions = new ArrayList<>();
    for (String entry : readIndex(loader, indexResource)) {
      versions.add(loadEntry(loader, indexResource, baseDir, entry));
    }
    ReleasedSchemas store = new ReleasedSchemas(versions);
    LOG.debug("Loaded {} released schema versions of {} event types from {}",
        versions.size(), store.byFullName.size(), indexResource);
    return store;
  }

  /**
   * Finds a released schema by the fingerprint found in a single-object-encoded message.
   *
   * @param fingerprint CRC-64-AVRO fingerprint of the writer schema
   * @return the released schema, or null if no released version has that fingerprint
   */
  @Override
  public Schema findByFingerprint(long fingerprint) {
    Version version = byFingerprint.get(fingerprint);
    return version == null ? null : version.schema();
  }

  /**
   * All released versions of one event schema, oldest first.
   *
   * @param fullName full Avro name, e.g. {@code io.greenlang.events.run.RunRequested}
   * @return the versions; empty if the schema has never been released
   */
  public List<Version> versionsOf(String fullName) {
    return byFullName.getOrDefault(fullName, List.of());
  }

  /**
   * Full names of every schema with at least one released version, sorted.
   *
   * @return the names
   */
  public Set<String> fullNames() {
    return byFullName.keySet();
  }

  /**
   * Every released version of every schema, sorted by full name then version.
   *
   * @return the versions
   */
  public List<Version> all() {
    return byFullName.values().stream().flatMap(List::stream).toList();
  }

  private static List<String> readIndex(ClassLoader loader, String indexResource) {
    try (InputStream in = loader.getResourceAsStream(indexResource)) {
      if (in == null) {
        throw new IllegalStateException("Released-schema index " + indexResource + " is not on the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return reader.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read released-schema index " + indexResource, e);
    }
  }

  private static Version loadEntry(ClassLoader loader, String indexResource, String baseDir, String entry) {
    Matcher m = ENTRY.matcher(entry);
    if (!m.matches()) {
      throw new IllegalStateException("Bad entry '" + entry + "' in " + indexResource
          + ": expected <FullName>/v<N>.avsc, e.g. io.greenlang.events.run.RunRequested/v1.avsc");
    }
    String resource = baseDir + entry;
    Schema schema;
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Released schema " + resource + " is listed in " + indexResource
            + " but is not on the classpath");
      }
      schema = new SchemaParser().parse(in, StandardCharsets.UTF_8).mainSchema();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read released schema " + resource, e);
    } catch (SchemaParseException e) {
      throw new IllegalStateException("Released schema " + resource + " does not parse: " + e.getMessage(), e);
    }
    String fullName = m.group(1);
    if (schema.getType() != Schema.Type.RECORD || !schema.getFullName().equals(fullName)) {
      throw new IllegalStateException("Released schema " + resource + " declares " + schema.getType() + " "
          + schema.getFullName() + ", expected record " + fullName);
    }
    return new Version(fullName, Integer.parseInt(m.group(2)), schema,
        SchemaNormalization.parsingFingerprint64(schema), resource);
  }

  /** Lazy holder: the production store is loaded on first use, once, thread-safely. */
  private static final class ProductionHolder {
    static final ReleasedSchemas INSTANCE = load(ReleasedSchemas.class.getClassLoader(), INDEX_RESOURCE);
  }
}
