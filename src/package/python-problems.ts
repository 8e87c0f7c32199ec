// What can be wrong with a Python function or a layer folder before anything is sent: the folder, the handler, the
// module it names, the function in it, pip. Each is the user's to fix (exit 2), tied to the config field it is about.
import type { PackageField, PackageProblem } from './problems.js'

const problem = (
  index: number,
  field: PackageField,
  code: string,
  doing: string,
  reason: string,
  hint: string,
): PackageProblem => ({ index, field, code, message: `${doing}: ${reason}`, reason, hint })

export function sourceNotFolder(index: number, source: string): PackageProblem {
  return problem(
    index,
    'source',
    'PackageSourceNotFolder',
    `packaging Lambda code (${source})`,
    'expected a folder (a Python function or a layer is packaged from the folder that holds its files)',
    'Set `source` to the folder, relative to config.json, then rerun',
  )
}

export function pythonHandlerInvalid(index: number, handler: string): PackageProblem {
  return problem(
    index,
    'handler',
    'InvalidHandler',
    'packaging Lambda function',
    `handler ${JSON.stringify(handler)} is not <module>.<function>, e.g. app.handler (app.py defines handler)`,
    'Fix `handler` of the function in config.json, then rerun',
  )
}

export function pythonModuleMissing(index: number, handler: string, file: string): PackageProblem {
  return problem(
    index,
    'handler',
    'HandlerModuleMissing',
    `checking Lambda handler (${file})`,
    `${JSON.stringify(handler)} names the module ${file}, which the source folder does not have`,
    'Fix `handler` (<module>.<function>, the module relative to `source`) or add the file, then rerun',
  )
}

export function pythonFunctionMissing(
  index: number,
  handler: string,
  file: string,
  name: string,
  defined: string[],
): PackageProblem {
  const has = defined.length > 0 ? `it defines ${defined.join(', ')}` : 'it defines no top-level function'
  return problem(
    index,
    'handler',
    'HandlerNotExported',
    `checking Lambda handler (${file})`,
    `${JSON.stringify(handler)} names the function ${name}, but ${file} has no \`def ${name}(\` at the top level (${has})`,
    `Define ${name} in ${file}, or name a function it has in \`handler\` in config.json, then rerun`,
  )
}

export function pipProblem(index: number, code: string, reason: string, requirements: string): PackageProblem {
  return problem(
    index,
    'source',
    code,
    `installing requirements (${requirements})`,
    reason,
    code === 'PipNotFound'
      ? 'Install pip (e.g. `apt-get install python3-pip`, or `python3 -m ensurepip`), or set INFRA_PIP to a pip, then rerun'
      : 'Fix requirements.txt (every package needs a manylinux wheel for the runtime and architecture), then rerun',
  )
}
