/**
 * RFC 8785 canonical JSON ({@link io.greenlang.common.json.CanonicalJson}) and SHA-256 helpers
 * ({@link io.greenlang.common.json.Hashing}), the basis of the audit hash chain and artifact provenance.
 */
package io.greenlang.common.json;
