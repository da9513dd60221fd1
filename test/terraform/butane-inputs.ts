// Butane inputs and ct's renderings of them, shared by the plugin-client tests, the end-to-end
// Terraform test and the bench. The expected strings are poseidon/terraform-provider-ct's own
// test expectations for its Ignition 3.4.0 output (ct v0.14 renders into 3.4.0): every top-level
// object present, Go's field order, no trailing newline.

export const USERS_CONTENT = 'variant: fcos\nversion: 1.4.0\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys:\n        - key\n';

export const DOCKER_SNIPPET = 'variant: fcos\nversion: 1.4.0\nsystemd:\n  units:\n    - name: docker.service\n      enabled: true\n';

export const CT_USERS_AND_DOCKER_COMPACT =
  '{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"},' +
  '"kernelArguments":{},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["key"]}]},"storage":{},' +
  '"systemd":{"units":[{"enabled":true,"name":"docker.service"}]}}';

/**
 * Go's json.MarshalIndent(v, "", "  ") of a compact rendering: the same bytes as JSON.stringify's
 * two-space indentation for these configs (their keys are already in Go's order and their
 * strings hold nothing Go escapes differently).
 */
function goIndent(compact: string): string {
  return JSON.stringify(JSON.parse(compact), null, 2);
}

export const CT_USERS_AND_DOCKER_PRETTY = goIndent(CT_USERS_AND_DOCKER_COMPACT);

export const CT_USERS_ONLY_PRETTY = goIndent(
  '{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"},' +
    '"kernelArguments":{},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["key"]}]},"storage":{},"systemd":{}}',
);

/** A file from files_dir: Go's encoding keeps the empty group/user objects and compression "". */
export const LOCAL_FILE_CONTENT = 'variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        local: motd/hello.txt\n';
export const LOCAL_FILE_TEXT = 'hello\n';
export const CT_LOCAL_FILE_COMPACT =
  '{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"},' +
  '"kernelArguments":{},"passwd":{},"storage":{"files":[{"group":{},"path":"/etc/motd","user":{},' +
  '"contents":{"compression":"","source":"data:,hello%0A","verification":{}}}]},"systemd":{}}';

/** A unit whose text needs Go's HTML escaping in JSON strings. */
export const ESCAPED_UNIT_CONTENT =
  "variant: fcos\nversion: 1.4.0\nsystemd:\n  units:\n    - name: check.service\n      contents: |\n        [Service]\n        ExecStart=/bin/sh -c 'test -e /a && echo <ok> > /b'\n";
export const CT_ESCAPED_UNIT_COMPACT =
  '{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"},' +
  '"kernelArguments":{},"passwd":{},"storage":{},"systemd":{"units":[{"contents":"[Service]\\nExecStart=/bin/sh -c \'test -e /a \\u0026\\u0026 echo \\u003cok\\u003e \\u003e /b\'\\n","name":"check.service"}]}}';

/** Butane warns about (and ignores) a key it does not know; ct drops such warnings unless strict. */
export const WARNING_CONTENT = 'variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/a\n      bogus: 1\n';

/** A content with `count` inline files: large enough that rendering it takes a while. */
export function manyFiles(count: number): string {
  const files = Array.from({ length: count }, (_, i) => `    - path: /etc/generated/f${i}\n      mode: 0644\n      contents:\n        inline: line ${i} of a generated file\n`);
  return `variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n${files.join('')}`;
}
