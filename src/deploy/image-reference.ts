// Image references as the kubelet reads them: github.com/distribution/reference ParseNormalizedNamed
// (through kubelet's parsers.ParseImageName), the digest by github.com/opencontainers/go-digest. The
// apiserver takes any image without blanks around it, so a Deployment whose image fails this is
// accepted and its pods never start (InvalidImageName). Every pattern below runs on text whose
// length is checked first and reads it one way: none can backtrack for long.

/** reference.go NameTotalLengthMax: the repository name, normalized (docker.io/library/ added). */
const NAME_TOTAL_LENGTH_MAX = 255;
/** A tag: a word character, then up to 127 of word characters, "." and "-". */
const TAG = /^\w[\w.-]{0,127}$/;
/** go-digest's algorithms (sha256, sha384, sha512), each with its length of lowercase hex. */
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
/** A domain: host names or IPv4 (dot-separated components), or [IPv6]; then an optional port. */
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
/** A path: components of lowercase letters and digits, joined inside by ".", "_", "__" or dashes, split by "/". */
const PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** A repository name of 64 hex digits reads as an image ID. */
const IMAGE_ID = /^[a-f0-9]{64}$/;

/** Why `reference` is no image reference the kubelet can pull, or undefined when it is one. */
export function imageReferenceProblem(reference: string): string | undefined {
  if (reference === '' || /\s/.test(reference)) return 'it is empty or holds blanks';
  const at = reference.indexOf('@');
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  const named = at < 0 ? reference : reference.slice(0, at);
  if (digest !== undefined && !DIGEST.test(digest))
    return `the digest "${shown(digest)}" is not sha256, sha384 or sha512 with its length of lowercase hex digits`;
  // A tag follows the last ":" after the last "/" (before it, a ":" is a registry's port).
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const name = hasTag ? named.slice(0, colon) : named;
  if (hasTag && !TAG.test(named.slice(colon + 1)))
    return `the tag "${shown(named.slice(colon + 1))}" is not 1 to 128 letters, digits, "_", "." and "-" (not starting with "." or "-")`;
  if (name === '') return 'it names no repository';
  // reference/normalize.go splitDockerDomain: the first component is a registry when it has a "."
  // or ":", is localhost, or has a capital letter; else the name is Docker Hub's.
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain = slash >= 0 && (/[.:A-Z]/.test(first) || first === 'localhost');
  const path = isDomain ? name.slice(slash + 1) : name;
  const normalized = isDomain
    ? name.length
    : 'docker.io/'.length + (slash < 0 ? 'library/'.length : 0) + name.length;
  if (normalized > NAME_TOTAL_LENGTH_MAX)
    return `the repository name is ${normalized} characters as the kubelet reads it, over ${NAME_TOTAL_LENGTH_MAX}`;
  if (IMAGE_ID.test(name)) return 'a name of 64 hex digits is an image ID, not a repository';
  if (path !== path.toLowerCase()) return `the repository "${shown(path)}" must be lowercase`;
  if (isDomain && !DOMAIN.test(first))
    return `"${shown(first)}" is no registry host (a name, an IPv4 or [IPv6] address, an optional :port)`;
  if (!PATH.test(path))
    return `the repository "${shown(path)}" is not lowercase letters and digits joined by ".", "_", "__" or "-", in parts split by "/"`;
  return undefined;
}

/** A part of the reference as a message quotes it: long ones clipped. */
const shown = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}...` : text);
