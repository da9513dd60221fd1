// Partitioning one disk with sgdisk: refuse active disks, wipe the table if asked, resolve the
// plan with a dry run, commit it in one sgdisk call, then make the kernel see the result (partx)
// and check that it does. sgdisk's own reread request drops a loop device's partitions on kernels
// without table parsers, so the kernel is always resynced from the table that was written.
import { entry, type ConfigPath } from '../../report.ts';
import { parseSgdiskInfo, sgdiskArgs, type SgdiskOp } from '../../system/sgdisk.ts';
import {
  activeBlockDevices,
  isBlockDevice,
  kernelName,
  logicalSectorSize,
  partitionsOf,
  syncPartitionsUntilMatch,
  type DeviceContext,
} from '../../system/devices.ts';
import { readPartitionTable } from './partition-table.ts';
import { applyDryRun, planDryRun, planPartitions, resolvePartitions, type ResolvedPartition } from './partition-plan.ts';
import { isTrue, type DiskSpec } from './spec.ts';
import { step } from './step.ts';

export async function partitionDisk(ctx: DeviceContext, disk: DiskSpec, node: string, diskPath: ConfigPath): Promise<void> {
  const active = activeBlockDevices();
  if (active.has(kernelName(node))) throw entry('error', 'DISK_ACTIVE', diskPath, disk.device);
  const activeParts = new Set([...partitionsOf(node)].filter(([, name]) => active.has(name)).map(([n]) => n));

  if (isTrue(disk.wipeTable)) {
    if (activeParts.size > 0) throw entry('error', 'DISK_WIPE_ACTIVE', diskPath, disk.device);
    await step(ctx.log, 'wiping partition table', disk.device, diskPath, async () => {
      const args = sgdiskArgs(node, [{ kind: 'zap' }]);
      // A corrupted table makes the first --zap-all exit 2 after fixing what it can.
      const first = await ctx.exec(ctx.tools.sgdisk, args, { reject: false, path: diskPath });
      if (first.exitCode !== 0) await ctx.exec(ctx.tools.sgdisk, args, { path: diskPath });
      if (!(await syncPartitionsUntilMatch(ctx, node, []))) ctx.log.warning(`the kernel still lists partitions of "${disk.device}" after wiping its table`);
    });
  }

  const specs = disk.partitions ?? [];
  if (specs.length === 0) return;

  await step(ctx.log, 'partitioning', disk.device, diskPath, async () => {
    const table = await readPartitionTable(node, logicalSectorSize(node));
    const dry = planDryRun(resolvePartitions(specs, table.partitions, table.sectorSize), table.partitions);
    const pretend = await runSgdisk(ctx, node, dry.ops, true, dry.partitions, diskPath);
    const resolved = applyDryRun(dry.partitions, dry.inspect, parseSgdiskInfo(pretend));
    const plan = planPartitions(resolved, table.partitions, diskPath);
    for (const note of plan.notes) ctx.log.info(note);
    if (plan.ops.length === 0) return;

    for (const n of [...plan.deleted, ...plan.created.map((p) => p.number)]) {
      if (activeParts.has(n)) throw entry('error', 'PARTITION_ACTIVE', pathOf(resolved, n, diskPath), n, disk.device);
    }
    await runSgdisk(ctx, node, plan.ops, false, resolved, diskPath);
    if (!isBlockDevice(node)) return;

    const after = await readPartitionTable(node, table.sectorSize);
    const scale = after.sectorSize / 512;
    const expected = after.partitions.map((p) => ({ number: p.number, start: p.startSector * scale, size: p.sizeSectors * scale }));
    if (!(await syncPartitionsUntilMatch(ctx, node, expected))) {
      const n = plan.created[0]?.number ?? plan.deleted[0] ?? 0;
      throw entry('error', 'PARTITION_KERNEL_MISMATCH', pathOf(resolved, n, diskPath), n, disk.device);
    }
  });
}

function pathOf(partitions: readonly ResolvedPartition[], number: number, diskPath: ConfigPath): ConfigPath {
  const part = partitions.find((p) => p.number === number);
  return part === undefined ? diskPath : [...diskPath, 'partitions', part.index];
}

/**
 * Runs sgdisk; when it fails and names a partition ("Could not create partition 3 ..."), the
 * error points at that partition's config entry rather than the whole disk.
 */
async function runSgdisk(
  ctx: DeviceContext,
  node: string,
  ops: readonly SgdiskOp[],
  pretend: boolean,
  partitions: readonly ResolvedPartition[],
  diskPath: ConfigPath,
): Promise<string> {
  const result = await ctx.exec(ctx.tools.sgdisk, sgdiskArgs(node, ops, pretend), { reject: false, path: diskPath });
  if (result.exitCode === 0) return result.stdout;
  const output = `${result.stdout}\n${result.stderr}`;
  const named = /partition #?(\d+)/i.exec(output);
  const path = named === null ? diskPath : pathOf(partitions, Number(named[1]), diskPath);
  const detail = output.split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(-3).join('; ');
  const error = entry('error', 'DISKS_STEP_FAILED', path, pretend ? 'sgdisk dry run' : 'sgdisk', `exit status ${result.exitCode}: ${detail}`);
  throw Object.assign(error, { cause: { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr } });
}
