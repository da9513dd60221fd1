// The documented differences between Ignition 2.14 and Kindling (docs/compatibility.md, Runner)
// that show up in file contents; applied to both trees before their hashes are compared.

export function normalizeContent(path: string, data: Buffer): Buffer {
  if (path === '/etc/.ignition-result.json') {
    const report = JSON.parse(data.toString()) as Record<string, unknown>;
    delete report.provisioningDate;
    return Buffer.from(JSON.stringify(report));
  }
  if (path === '/etc/systemd/system-preset/20-ignition.preset') {
    // 2.14 wrote preset lines in map order; current upstream and Kindling sort them.
    return Buffer.from(data.toString().split('\n').sort().join('\n'));
  }
  if (path === '/etc/gshadow' || path === '/etc/gshadow-') {
    // Ignition 2.14 always ran `groupadd --password *`; current upstream and Kindling leave "!".
    return Buffer.from(data.toString().replace(/^([^:\n]*):!:/gm, '$1:*:'));
  }
  return data;
}
