// Debian ships @types/react without its dependencies' typings: the few names it uses.
declare module "csstype" {
  export interface Properties<TLength = string | 0, TTime = string> {
    [property: string]: TLength | TTime | string | number | undefined;
  }
  export interface PropertiesHyphen<TLength = string | 0, TTime = string> {
    [property: string]: TLength | TTime | string | number | undefined;
  }
}
declare module "prop-types" {
  export type Validator<T> = (props: { [key: string]: unknown }, propName: string, componentName: string, location: string, propFullName: string) => Error | null;
  export interface Requireable<T> extends Validator<T | undefined | null> { isRequired: Validator<NonNullable<T>> }
  export type ValidationMap<T> = { [K in keyof T]?: Validator<T[K]> };
  export type WeakValidationMap<T> = { [K in keyof T]?: null extends T[K] ? Validator<T[K] | null | undefined> : Validator<T[K]> };
  export const any: Requireable<unknown>;
  export const array: Requireable<unknown[]>;
  export const bool: Requireable<boolean>;
  export const func: Requireable<(...args: unknown[]) => unknown>;
  export const number: Requireable<number>;
  export const object: Requireable<object>;
  export const string: Requireable<string>;
  export const node: Requireable<unknown>;
  export const element: Requireable<unknown>;
  export const symbol: Requireable<symbol>;
  export const elementType: Requireable<unknown>;
  export function instanceOf<T>(expectedClass: new (...args: unknown[]) => T): Requireable<T>;
  export function oneOf<T>(types: ReadonlyArray<T>): Requireable<T>;
  export function oneOfType<T extends Validator<unknown>>(types: T[]): Requireable<unknown>;
  export function arrayOf<T>(type: Validator<T>): Requireable<T[]>;
  export function objectOf<T>(type: Validator<T>): Requireable<{ [K in keyof unknown]: T }>;
  export function shape<P>(type: P): Requireable<unknown>;
  export function exact<P>(type: P): Requireable<unknown>;
}
declare module "scheduler/tracing" {
  export interface Interaction { __count: number; id: number; name: string; timestamp: number }
}
