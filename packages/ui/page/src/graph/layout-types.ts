/**
 * @module
 * What the page and the layout worker send each other.
 */

export interface LayoutRequest {
  readonly id: number;
  readonly nodes: readonly {
    readonly key: string;
    readonly width: number;
    readonly height: number;
  }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export type LayoutReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly width: number;
      readonly height: number;
      /** Top-left corner of each node, by key. */
      readonly positions: Readonly<Record<string, { readonly x: number; readonly y: number }>>;
      /** Each edge's route, in the order of the request's edges. */
      readonly routes: readonly (readonly (readonly [number, number])[])[];
    }
  | { readonly id: number; readonly ok: false; readonly message: string };
