package io.greenlang.agents.sdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.artifact.StepResult;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * What an {@link Agent} sees of its run: the {@link RunContext} from {@code input.json}, typed access to its
 * inputs, reading input artifacts, and the place to put its artifacts and outputs. Made by the
 * {@link AgentRunner}, one per run; not thread-safe.
 *
 * <p>Inputs: {@link #input(String)} looks a name up in the step's {@code inputs} first, then in the run's
 * {@code parameters}, so a pipeline can bind a value per step or once for the run. A blank value counts as absent.
 * Errors name the input: {@code GL-E-PARAM-MISSING} when a required one is absent, {@code GL-E-PARAM-TYPE} when it
 * is not of the asked type.
 *
 * <p>Reading: {@link #read(String)} and {@link #download(String)} take {@code s3://} URIs (what upstream steps
 * output). A missing object is {@code GL-E-DATA-NOT-FOUND}. A key in the artifact bucket outside this run's tenant
 * ({@code <tenant>/...}) is refused with {@code GL-E-TENANT-ISOLATION}: an input can never make an agent read another
 * tenant's files. Other buckets are governed by the credentials the agent runs with.
 *
 * <p>Writing: {@link #writeArtifact(String, byte[], String)} uploads under the attempt's {@code artifacts/} and
 * records the file's SHA-256 and size for {@code result.json}; writing the same name again replaces the file and
 * its record. {@link #output(String, String)} sets a small named value for downstream steps.
 */
public final class AgentContext {

    private static final Pattern ARTIFACT_NAME =
            Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*");
    private static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final int MAX_OUTPUT_CHARS = 64 * 1024;

    private final RunContext run;
    private final S3Location outputFolder;
    private final ArtifactStore store;
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final Map<String, StepResult.Artifact> artifacts = new LinkedHashMap<>();
    private Path workDirectory;
    private int downloads;

    /**
     * @param run          the run context read from {@code input.json}
     * @param outputFolder the attempt's folder
     * @param store        the artifact bucket
     */
    public AgentContext(RunContext run, S3Location outputFolder, ArtifactStore store) {
        this.run = Objects.requireNonNull(run, "run");
        this.outputFolder = AgentEnvironment.folder(Objects.requireNonNull(outputFolder, "outputFolder"));
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The run context ({@code input.json}). */
    public RunContext run() {
        return run;
    }

    /** The attempt's folder, where {@code result.json} and {@code artifacts/} go. */
    public S3Location outputFolder() {
        return outputFolder;
    }

    // ------------------------------------------------------------------------------------------------ inputs

    /** The step input {@code name}, else the run parameter {@code name}; empty when absent or blank. */
    public Optional<String> input(String name) {
        Objects.requireNonNull(name, "name");
        String value = run.inputs().get(name);
        if (value == null || value.isBlank()) {
            value = run.parameters().get(name);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /**
     * The input {@code name}.
     *
     * @throws GreenLangException GL-E-PARAM-MISSING when it is absent
     */
    public String requireInput(String name) {
        return input(name).orElseThrow(() -> missing(name));
    }

    private GreenLangException missing(String name) {
        return new GreenLangException(ErrorCode.PARAM_MISSING, "agent " + run.agent() + " needs the input '" + name
                + "' (a step input or a run parameter)");
    }

    /**
     * The input {@code name} as a number ({@link Decimals} notation).
     *
     * @throws GreenLangException GL-E-PARAM-TYPE when it is present but not a finite decimal number
     */
    public OptionalDouble number(String name) {
        Optional<String> text = input(name);
        if (text.isEmpty()) {
            return OptionalDouble.empty();
        }
        double value = Decimals.parse(text.get()).map(BigDecimal::doubleValue).orElse(Double.NaN);
        if (!Double.isFinite(value)) {
            throw new GreenLangException(ErrorCode.PARAM_TYPE, "input '" + name + "' must be a decimal number "
                    + "('.' as decimal separator), got '" + text.get() + "'");
        }
        return OptionalDouble.of(value);
    }

    /**
     * The input {@code name} as a number.
     *
     * @throws GreenLangException GL-E-PARAM-MISSING when absent, GL-E-PARAM-TYPE when not a number
     */
    public double requireNumber(String name) {
        return number(name).orElseThrow(() -> missing(name));
    }

    /** The input {@code name} as a comma-separated list, items trimmed, blank items dropped; empty when absent. */
    public List<String> list(String name) {
        return input(name).map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toList()).orElse(List.of());
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * The bytes of the object at {@code uri}. For small objects; use {@link #download(String)} for datasets.
     *
     * @throws GreenLangException GL-E-PARAM-TYPE when {@code uri} is not an {@code s3://} URI, GL-E-DATA-NOT-FOUND
     *                            when there is no such object, GL-E-TENANT-ISOLATION for another tenant's key,
     *                            GL-E-S3-* when the bucket cannot be read
     */
    public byte[] read(String uri) {
        S3Location location = inputLocation(uri);
        try {
            return store.get(location);
        } catch (GreenLangException e) {
            throw notFoundAsDataNotFound(e, location);
        }
    }

    /**
     * Downloads the object at {@code uri} into this run's work directory (deleted when the run ends).
     *
     * @throws GreenLangException as {@link #read(String)}
     */
    public Path download(String uri) {
        S3Location location = inputLocation(uri);
        String key = location.key();
        String fileName = key.substring(key.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_.-]", "_");
        Path target = workDirectory().resolve("download-" + (++downloads) + "-" + fileName);
        try {
            store.download(location, target);
            return target;
        } catch (GreenLangException e) {
            throw notFoundAsDataNotFound(e, location);
        }
    }

    private S3Location inputLocation(String uri) {
        S3Location location;
        try {
            location = S3Location.parse(uri == null ? null : uri.strip());
        } catch (GreenLangException | IllegalArgumentException e) {
            throw new GreenLangException(ErrorCode.PARAM_TYPE, "expected an s3://bucket/key URI, got '" + uri + "'");
        }
        if (location.bucket().equals(outputFolder.bucket()) && !location.key().startsWith(run.tenantId() + "/")) {
            throw new GreenLangException(ErrorCode.TENANT_ISOLATION, location + " is outside the files of tenant '"
                    + run.tenantId() + "'");
        }
        return location;
    }

    private static GreenLangException notFoundAsDataNotFound(GreenLangException e, S3Location location) {
        if (e.errorCode() == ErrorCode.S3_NOT_FOUND) {
            return new GreenLangException(ErrorCode.DATA_NOT_FOUND, "no dataset at " + location, e);
        }
        return e;
    }

    /** A private directory for this run's files (created on first use, deleted when the run ends). */
    public Path workDirectory() {
        if (workDirectory == null) {
            try {
                workDirectory = Files.createTempDirectory("gl-agent-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a work directory in "
                        + System.getProperty("java.io.tmpdir"), e);
            }
        }
        return workDirectory;
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Uploads {@code bytes} as {@code artifacts/<name>} and records its hash and size.
     *
     * @param name        a relative path such as {@code dataset.csv} or {@code plots/a.png}
     * @param bytes       the content
     * @param contentType the MIME type
     * @return where it was written, e.g. to hand downstream as an output
     */
    public S3Location writeArtifact(String name, byte[] bytes, String contentType) {
        String path = artifactPath(name);
        S3Location location = outputFolder.resolve(path);
        String sha = store.put(location, bytes, contentType);
        artifacts.put(path, new StepResult.Artifact(path, sha, bytes.length));
        return location;
    }

    /**
     * Uploads {@code file} as {@code artifacts/<name>} and records its hash and size.
     *
     * @see #writeArtifact(String, byte[], String)
     */
    public S3Location writeArtifact(String name, Path file, String contentType) {
        String path = artifactPath(name);
        S3Location location = outputFolder.resolve(path);
        ArtifactStore.StoredObject stored = store.putFile(location, file, contentType);
        artifacts.put(path, new StepResult.Artifact(path, stored.sha256(), stored.size()));
        return location;
    }

    private static String artifactPath(String name) {
        Objects.requireNonNull(name, "name");
        if (!ARTIFACT_NAME.matcher(name).matches() || Arrays.asList(name.split("/")).contains("..")) {
            throw new IllegalArgumentException("artifact name '" + name + "' must be a relative path of letters, "
                    + "digits, '_', '-' and '.' segments");
        }
        return ArtifactLayout.ARTIFACTS_DIR + name;
    }

    /**
     * Sets the output {@code name}, which downstream steps read as {@code ${steps.<step>.outputs.<name>}}. Outputs
     * carry small values and references; data belongs in artifacts.
     */
    public void output(String name, String value) {
        Objects.requireNonNull(value, "value");
        if (!OUTPUT_NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
            throw new IllegalArgumentException("output name '" + name + "' must match " + OUTPUT_NAME);
        }
        if (value.length() > MAX_OUTPUT_CHARS) {
            throw new IllegalArgumentException("output '" + name + "' has " + value.length() + " characters, more "
                    + "than " + MAX_OUTPUT_CHARS + ": write it as an artifact and output its URI");
        }
        outputs.put(name, value);
    }

    /** The outputs set so far, in the order first set. */
    public Map<String, String> outputs() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** The artifacts written so far, in the order first written. */
    public List<StepResult.Artifact> artifacts() {
        return List.copyOf(artifacts.values());
    }

    /** Deletes the work directory, if one was made. */
    void deleteWorkDirectory() throws IOException {
        if (workDirectory == null) {
            return;
        }
        Files.walkFileTree(workDirectory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        workDirectory = null;
    }
}
