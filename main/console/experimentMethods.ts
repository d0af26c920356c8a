// The experiment:* contract methods, over the host's ExperimentService (main/experiments):
// a bad spec is an invalid request naming its first bad field, as every other method's.
import { ContractValidationError, type MethodName, type RequestOf, type ResponseOf } from '../../preload/contract'
import { SpecRejected, type ExperimentService } from '../experiments/service'

export type ExperimentMethod = Extract<MethodName, `experiment:${string}`>
export type ExperimentMethods = { [M in ExperimentMethod]: (request: RequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M> }

export function experimentMethods(service: ExperimentService | undefined): ExperimentMethods {
  const experiments = () => {
    if (!service) throw new Error('experiments are not kept by this host')
    return service
  }
  const noRun = (method: string, id: string) => new ContractValidationError({ kind: 'invalid-request', message: `${method}: id: no experiment run "${id}"`, field: 'id' })
  return {
    'experiment:readyMade': () => experiments().readyMade(),
    'experiment:validate': (r) => experiments().validate(r.spec),
    'experiment:start': (r) => {
      try {
        return experiments().start(r.spec)
      } catch (err) {
        if (err instanceof SpecRejected) {
          const first = err.errors[0]
          throw new ContractValidationError({ kind: 'invalid-request', message: `experiment:start: spec: ${err.message}`, field: first?.path ? `spec.${first.path}` : 'spec' })
        }
        throw err
      }
    },
    'experiment:list': () => experiments().list(),
    'experiment:get': (r) => {
      const run = experiments().get(r.id)
      if (!run) throw noRun('experiment:get', r.id)
      return run
    },
    'experiment:delete': (r) => {
      if (!experiments().delete(r.id)) throw noRun('experiment:delete', r.id)
      return null
    },
    'experiment:export': (r) => {
      const out = experiments().export(r.id, r.format)
      if (!out) throw noRun('experiment:export', r.id)
      return out
    },
  }
}
