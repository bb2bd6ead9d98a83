/**
 * ES2025 Set methods (Node >= 22 ships them) for tools bundled against them, such as gitlab-ci-local
 * on Node 20: `node --import=./test/harness/set-methods-polyfill.mjs …`. Defines only what is
 * missing, following the spec's shape (the argument is any set-like: size, has(), keys()).
 */
const define = (name, fn) => {
  if (typeof Set.prototype[name] !== 'function') {
    Object.defineProperty(Set.prototype, name, { value: fn, writable: true, configurable: true });
  }
};

function setLike(other) {
  if (other == null || typeof other.has !== 'function' || typeof other.keys !== 'function') {
    throw new TypeError('expected a set-like object (size, has, keys)');
  }
  return other;
}

function* iterate(other) {
  const it = other.keys();
  for (let step = it.next(); !step.done; step = it.next()) yield step.value;
}

define('union', function union(other) {
  const result = new Set(this);
  for (const value of iterate(setLike(other))) result.add(value);
  return result;
});
define('intersection', function intersection(other) {
  setLike(other);
  const result = new Set();
  for (const value of this) if (other.has(value)) result.add(value);
  return result;
});
define('difference', function difference(other) {
  setLike(other);
  const result = new Set();
  for (const value of this) if (!other.has(value)) result.add(value);
  return result;
});
define('symmetricDifference', function symmetricDifference(other) {
  const result = new Set(this);
  for (const value of iterate(setLike(other))) {
    if (this.has(value)) result.delete(value);
    else result.add(value);
  }
  return result;
});
define('isSubsetOf', function isSubsetOf(other) {
  setLike(other);
  for (const value of this) if (!other.has(value)) return false;
  return true;
});
define('isSupersetOf', function isSupersetOf(other) {
  for (const value of iterate(setLike(other))) if (!this.has(value)) return false;
  return true;
});
define('isDisjointFrom', function isDisjointFrom(other) {
  setLike(other);
  for (const value of this) if (other.has(value)) return false;
  return true;
});
