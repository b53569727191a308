// The refusals of the certificate directory, apart from the code that throws them: `serve` words
// them as set-up mistakes without loading node-forge (the issuing code) to recognise them.

/** Thrown instead of silently replacing a CA the cluster may still trust. */
export class CAReplaceRefusedError extends Error {}
