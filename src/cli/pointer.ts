// RFC 6901 JSON pointers as the yaml library's paths: "/spec/items/0/a~1b" → ['spec', 'items', 0, 'a/b'].
// Used where a finding's or a patch's pointer meets a YAML document (line numbers, --fix).

/**
 * The pointer's segments; canonical array indexes ("0", "12", not "0644") become numbers, so a map
 * key such as "0644" keeps its leading zero.
 */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}
