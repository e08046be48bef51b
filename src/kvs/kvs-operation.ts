/** The KVS operations kvs-clip calls, as messages, the request log and the pacing hook name them. */
export type KvsOperation =
  'DescribeStream' | 'ListStreams' | 'GetDataEndpoint' | 'ListFragments' | 'GetClip' | 'GetImages';

/** Operations of the control plane (`kinesisvideo`), as opposed to archived media on the data endpoint. */
export function isControlPlane(op: KvsOperation): boolean {
  return op === 'DescribeStream' || op === 'ListStreams' || op === 'GetDataEndpoint';
}
