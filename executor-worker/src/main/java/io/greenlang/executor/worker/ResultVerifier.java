package io.greenlang.executor.worker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.artifact.StepResult;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;

/**
 * Checks what an agent that exited with code 0 left in its attempt folder (docs/artifacts.md, "The hand-over"):
 * {@code result.json} present and valid (else GL-E-AGENT-OUTPUT-INVALID), with provenance (else
 * GL-E-PROVENANCE-MISSING) naming the SHA-256 of the {@code input.json} the worker wrote, and every declared
 * artifact in S3 with the declared size and SHA-256 (else GL-E-PROVENANCE-MISMATCH). A failed result gives the
 * agent's own code (GL-E-AGENT-CRASH when it names none or an unknown one). An S3 failure gives its GL-E-S3-* code.
 *
 * <p>It never trusts the agent's word for a hash: artifacts are read back from S3 and hashed.
 */
final class ResultVerifier {

    /** The output every SUCCEEDED event carries: the URI of result.json (an agent's own output of that name is replaced). */
    static final String RESULT_OUTPUT = "result";

    private final ArtifactStore store;

    ResultVerifier(ArtifactStore store) {
        this.store = store;
    }

    /**
     * What the check found: a failure code and message, or the outputs to report.
     *
     * @param failure      the code when the step failed, else null
     * @param message      why it failed, else null
     * @param outputs      the result's outputs plus {@value #RESULT_OUTPUT}, when it succeeded
     * @param resultUri    URI of result.json, when it succeeded
     * @param resultSha256 SHA-256 of result.json, when it succeeded
     */
    record Verdict(ErrorCode failure, String message, Map<String, String> outputs, String resultUri,
                   String resultSha256) {

        static Verdict failed(ErrorCode code, String message) {
            return new Verdict(code, message, Map.of(), null, null);
        }

        boolean succeeded() {
            return failure == null;
        }
    }

    /**
     * @param folder      the attempt folder
     * @param inputSha256 SHA-256 of the input.json the agent was given
     */
    Verdict verify(S3Location folder, String inputSha256) {
        S3Location resultLocation = folder.resolve(ArtifactLayout.RESULT_FILE);
        try {
            Optional<byte[]> bytes = store.find(resultLocation);
            if (bytes.isEmpty()) {
                return Verdict.failed(ErrorCode.AGENT_OUTPUT_INVALID, "the agent exited with code 0 but wrote no "
                        + "result.json at " + resultLocation);
            }
            StepResult result = StepResult.parse(bytes.get());
            String declared = result.provenance().inputSha256();
            if (!declared.equals(inputSha256)) {
                return Verdict.failed(ErrorCode.PROVENANCE_MISMATCH, "result.json provenance.input_sha256 " + declared
                        + " is not the SHA-256 of the input.json the worker wrote (" + inputSha256 + ")");
            }
            for (StepResult.Artifact artifact : result.artifacts()) {
                Optional<String> mismatch = mismatch(folder.resolve(artifact.path()), artifact);
                if (mismatch.isPresent()) {
                    return Verdict.failed(ErrorCode.PROVENANCE_MISMATCH, mismatch.get());
                }
            }
            if (result.status() == StepResult.Status.FAILED) {
                return agentFailure(result.error());
            }
            Map<String, String> outputs = new LinkedHashMap<>(result.outputs());
            outputs.put(RESULT_OUTPUT, resultLocation.uri());
            return new Verdict(null, null, outputs, resultLocation.uri(), Hashing.sha256Hex(bytes.get()));
        } catch (GreenLangException e) {
            return Verdict.failed(e.errorCode(), e.detailMessage());
        }
    }

    private Optional<String> mismatch(S3Location location, StepResult.Artifact artifact) {
        Optional<Long> size = store.size(location);
        if (size.isEmpty()) {
            return Optional.of("artifact " + artifact.path() + " is declared in result.json but there is no "
                    + location);
        }
        if (size.get() != artifact.size()) {
            return Optional.of("artifact " + artifact.path() + " is " + size.get() + " bytes in S3, result.json says "
                    + artifact.size());
        }
        String sha = store.sha256Of(location);
        if (!sha.equals(artifact.sha256())) {
            return Optional.of("artifact " + artifact.path() + " has SHA-256 " + sha + " in S3, result.json says "
                    + artifact.sha256());
        }
        return Optional.empty();
    }

    private static Verdict agentFailure(StepResult.Failure error) {
        if (error.code() == null) {
            return Verdict.failed(ErrorCode.AGENT_CRASH, error.message());
        }
        try {
            return Verdict.failed(ErrorCode.fromCode(error.code()), error.message());
        } catch (IllegalArgumentException e) {
            return Verdict.failed(ErrorCode.AGENT_CRASH, "the agent failed with an unknown code '" + error.code()
                    + "': " + error.message());
        }
    }
}
