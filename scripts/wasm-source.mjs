// The WebAssembly kernels of dnn, written as WAT by a small generator: the
// micro-kernels differ only in tile size, element type and whether the
// multiply-add is fused (relaxed SIMD), so one template makes them all.
// `npm run build:wasm` (scripts/build-wasm.mjs) writes the WAT beside the
// runtime in src/kernels/wasm/ and assembles it with wabt.
//
// Legend (row-major, byte addresses and byte strides throughout):
//   C (M, N) = Σ_k A(i, k) · B(k, j), k ascending from a zero accumulator.
//   A is read one scalar at a time (splat), at a + i·ars + k·acs, so the same
//   code reads A or Aᵀ; B is read as vectors along j, at b + k·ldb + j·es, so
//   B's rows must be contiguous (the runtime arranges that, see gemm.ts).
// A tile of MR rows × NV vectors of C lives in registers for a whole K block;
// the next K block reloads it from C and goes on adding, so every C[i, j] is
// the plain ascending sum however K is blocked and however M, N are split
// between threads.

/** Element types: wasm lane type, bytes, lanes per v128, register tile, K block. */
export const TYPES = {
  f64: { es: 8, lanes: 2, mr: 6, nv: 2, kc: 256, splat: 'v128.load64_splat', lane: 'v128.store64_lane' },
  f32: { es: 4, lanes: 4, mr: 6, nv: 2, kc: 512, splat: 'v128.load32_splat', lane: 'v128.store32_lane' },
};
/**
 * MC: rows of A kept together (in L2) while B's K block streams past.
 * RANK_MR × RANK_U: rows of C × rows of B (k steps) of one rank-kernel step,
 * over RANK_V vectors of columns: eight (128 bytes of each row) share one
 * address computation per row. On the cat model's W1·X, four vectors were
 * 3–22% faster than one in float64 and 15–18% in float32; eight another
 * 4–8% in float64 and up to 3% in float32 (one run of four 0.5% slower).
 */
export const OPTIONS = { MC: 64, UNROLL: 1, RANK_MR: 2, RANK_U: 4, RANK_V: 8, DOT_MR: 4, DOT_NR: 2, PACK_KB: 16, FUSE_ROWS: 64, TOUCH_ROWS: 64 };

const vt = (t) => `${t}x${TYPES[t].lanes}`;
/** WAT for min(size, end − at): the length of the block that starts at local `at` (end and at are local names). */
const rest = (size, end, at) => `(select (i32.const ${size}) (i32.sub (local.get $${end}) (local.get $${at})) (i32.ge_u (i32.sub (local.get $${end}) (local.get $${at})) (i32.const ${size})))`;

/** WAT that sets rows 0 .. M−1 of the block at local `c` (rows `ldc` bytes apart) to +0 over N elements of `es` bytes; counts with local $i. */
const zeroRows = (c, ldc, es) => `(block $zd (loop $zl
      (br_if $zd (i32.ge_u (local.get $i) (local.get $M)))
      (memory.fill (i32.add (local.get $${c}) (i32.mul (local.get $i) (local.get $${ldc}))) (i32.const 0) (i32.mul (local.get $N) (i32.const ${es})))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $zl)))`;

/** c + a·b: fused (one rounding) in the relaxed variant, multiply then add otherwise. */
function madd(t, relaxed, a, b, c) {
  return relaxed ? `(${vt(t)}.relaxed_madd ${a} ${b} ${c})` : `(${vt(t)}.add ${c} (${vt(t)}.mul ${a} ${b}))`;
}

/**
 * One micro-kernel: an mr × nv tile of C (nv = 0: a single column, lane 0).
 * (a, ars, acs, b, ldb, c, ldc, kc, first): first = 1 starts from zero, else
 * from the partial sums in C.
 */
function microKernel(t, relaxed, mr, nv, contig) {
  const { es, splat, lane } = TYPES[t];
  const { UNROLL } = OPTIONS;
  const single = nv === 0;
  const vecs = single ? 1 : nv;
  const L = [];
  const acc = (r, v) => `$c${r}_${v}`;
  L.push(`  (func $mk${contig ? 'c' : ''}_${t}_${mr}_${nv} (type $mk) (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $kc i32) (param $first i32)`);
  const locals = [];
  for (let r = 0; r < mr; r++) for (let v = 0; v < vecs; v++) locals.push(`(local ${acc(r, v)} v128)`);
  for (let r = 0; r < mr; r++) locals.push(`(local $a${r} v128)`, `(local $p${r} i32)`, `(local $q${r} i32)`);
  for (let v = 0; v < vecs; v++) locals.push(`(local $b${v} v128)`);
  L.push('    ' + locals.join(' '));
  // Row pointers into A and C.
  for (let r = 0; r < mr; r++) {
    L.push(`    (local.set $p${r} ${r === 0 ? '(local.get $a)' : `(i32.add (local.get $p${r - 1}) (local.get $ars))`})`);
    L.push(`    (local.set $q${r} ${r === 0 ? '(local.get $c)' : `(i32.add (local.get $q${r - 1}) (local.get $ldc))`})`);
  }
  // Partial sums from an earlier K block (locals start at +0.0 otherwise).
  L.push('    (if (i32.eqz (local.get $first)) (then');
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < vecs; v++) {
      L.push(single ? `      (local.set ${acc(r, v)} (${splat} (local.get $q${r})))` : `      (local.set ${acc(r, v)} (v128.load offset=${16 * v} (local.get $q${r})))`);
    }
  }
  L.push('    ))');
  // One k step: load a row of B's panel, splat each A value, multiply-add.
  const step = (ind) => {
    for (let v = 0; v < vecs; v++) L.push(single ? `${ind}(local.set $b${v} (${splat} (local.get $b)))` : `${ind}(local.set $b${v} (v128.load offset=${16 * v} (local.get $b)))`);
    for (let r = 0; r < mr; r++) {
      L.push(contig ? `${ind}(local.set $a${r} (${splat} offset=${r * es} (local.get $p0)))` : `${ind}(local.set $a${r} (${splat} (local.get $p${r})))`);
      for (let v = 0; v < vecs; v++) L.push(`${ind}(local.set ${acc(r, v)} ${madd(t, relaxed, `(local.get $a${r})`, `(local.get $b${v})`, `(local.get ${acc(r, v)})`)})`);
      if (!contig) L.push(`${ind}(local.set $p${r} (i32.add (local.get $p${r}) (local.get $acs)))`);
    }
    if (contig) L.push(`${ind}(local.set $p0 (i32.add (local.get $p0) (local.get $acs)))`);
    L.push(`${ind}(local.set $b (i32.add (local.get $b) (local.get $ldb)))`);
  };
  // UNROLL steps per turn of the loop while at least that many are left, then one at a time.
  if (UNROLL > 1) {
    L.push('    (block $done4 (loop $k4');
    L.push(`      (br_if $done4 (i32.lt_u (local.get $kc) (i32.const ${UNROLL})))`);
    for (let u = 0; u < UNROLL; u++) step('      ');
    L.push(`      (local.set $kc (i32.sub (local.get $kc) (i32.const ${UNROLL})))`);
    L.push('      (br $k4)))');
  }
  L.push('    (block $done (loop $k');
  L.push('      (br_if $done (i32.eqz (local.get $kc)))');
  step('      ');
  L.push('      (local.set $kc (i32.sub (local.get $kc) (i32.const 1)))');
  L.push('      (br $k)))');
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < vecs; v++) {
      L.push(single ? `    (${lane} 0 (local.get $q${r}) (local.get ${acc(r, v)}))` : `    (v128.store offset=${16 * v} (local.get $q${r}) (local.get ${acc(r, v)}))`);
    }
  }
  void es;
  L.push('  )');
  return L.join('\n');
}

/** Table index of micro-kernel (mr, nv), nv = 0 for the single column. */
const slot = (t, mr, nv) => (mr - 1) * (TYPES[t].nv + 1) + nv;
/** Micro-kernels per element type: MR × (NV + 1), twice (any A strides; A's rows adjacent). */
const kernelsPerType = (t) => TYPES[t].mr * (TYPES[t].nv + 1);

/**
 * gemm_T(M, N, K, a, ars, acs, b, ldb, pst, c, ldc): C = Σ_k A·B without
 * alpha or epilogue. B(k, j) is at b + k·ldb + (j / NR)·pst + (j % NR)·es: a
 * row-major B has ldb = N·es, pst = NR·es; B packed in NR-wide panels (each
 * panel K rows of NR values) has ldb = NR·es, pst = K·NR·es. Loops: MC rows of A, then K blocks, then NR-wide panels of B
 * (kc × NR stays in L1), then MR-row tiles.
 */
function driver(t, base) {
  const { es, lanes, mr: MR, nv: NV, kc: KC } = TYPES[t];
  const { MC } = OPTIONS;
  const NR = NV * lanes;
  const call = (nvExpr) => `(call_indirect $tab (type $mk)
              (i32.add (local.get $ak) (i32.mul (local.get $i) (local.get $ars))) (local.get $ars) (local.get $acs)
              (i32.add (local.get $bk) (i32.add (i32.mul (i32.div_u (local.get $j) (i32.const ${NR})) (local.get $pst)) (i32.mul (i32.rem_u (local.get $j) (i32.const ${NR})) (i32.const ${es})))) (local.get $ldb)
              (i32.add (i32.add (local.get $c) (i32.mul (i32.add (local.get $i0) (local.get $i)) (local.get $ldc))) (i32.mul (local.get $j) (i32.const ${es})))
              (local.get $ldc) (local.get $kcn) (local.get $first)
              (i32.add (local.get $tb) (i32.add (i32.mul (i32.sub (local.get $mr) (i32.const 1)) (i32.const ${NV + 1})) ${nvExpr})))`;
  const tiles = (nvExpr, indent) => `${indent}(local.set $i (i32.const 0))
${indent}(block $id (loop $il
${indent}  (br_if $id (i32.ge_u (local.get $i) (local.get $mc)))
${indent}  (local.set $mr ${rest(MR, 'mc', 'i')})
${indent}  ${call(nvExpr)}
${indent}  (local.set $i (i32.add (local.get $i) (i32.const ${MR})))
${indent}  (br $il)))`;
  return `  (func $gemm_${t} (export "gemm_${t}") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $ldb i32) (param $pst i32) (param $c i32) (param $ldc i32)
    (local $i0 i32) (local $mc i32) (local $k0 i32) (local $kcn i32) (local $first i32) (local $ak i32) (local $bk i32) (local $j i32) (local $i i32) (local $mr i32) (local $nv i32) (local $tb i32)
    ;; A's rows adjacent (ars = es): the micro-kernels that read them through one pointer
    (local.set $tb (select (i32.const ${base + kernelsPerType(t)}) (i32.const ${base}) (i32.eq (local.get $ars) (i32.const ${es}))))
    (block $i0d (loop $i0l
      (br_if $i0d (i32.ge_u (local.get $i0) (local.get $M)))
      (local.set $mc ${rest(MC, 'M', 'i0')})
      (local.set $k0 (i32.const 0))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $k0) (local.get $K)))
        (local.set $kcn ${rest(KC, 'K', 'k0')})
        (local.set $first (i32.eqz (local.get $k0)))
        (local.set $ak (i32.add (i32.add (local.get $a) (i32.mul (local.get $i0) (local.get $ars))) (i32.mul (local.get $k0) (local.get $acs))))
        (local.set $bk (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $ldb))))
        (local.set $j (i32.const 0))
        ;; full NR-wide panels
        (block $jd (loop $jl
          (br_if $jd (i32.gt_u (i32.add (local.get $j) (i32.const ${NR})) (local.get $N)))
${tiles(`(i32.const ${NV})`, '          ')}
          (local.set $j (i32.add (local.get $j) (i32.const ${NR})))
          (br $jl)))
        ;; the rest of the vectors, then single columns
        (local.set $nv (i32.div_u (i32.sub (local.get $N) (local.get $j)) (i32.const ${lanes})))
        (if (local.get $nv) (then
${tiles('(local.get $nv)', '          ')}
          (local.set $j (i32.add (local.get $j) (i32.mul (local.get $nv) (i32.const ${lanes}))))))
        (block $sd (loop $sl
          (br_if $sd (i32.ge_u (local.get $j) (local.get $N)))
${tiles('(i32.const 0)', '          ')}
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $sl)))
        (local.set $k0 (i32.add (local.get $k0) (local.get $kcn)))
        (br $kl)))
      (local.set $i0 (i32.add (local.get $i0) (i32.const ${MC})))
      (br $i0l)))
  )`;
}

/**
 * The epilogue, row by row of C (M, N): z = alpha·c (skipped for alpha = 1),
 * z = z + bias[i], written back to C; then out = g(z) for
 * act 1 relu (z < 0 ? 0 : z, so −0 and NaN pass), 2 leakyRelu, 3 linear.
 * With trans = 1 the sums come from T (N, M) (T[j, i] = C[i, j]), the result of
 * the transposed product Cᵀ = op(B)ᵀ·op(A)ᵀ.
 */
function epilogue(t) {
  const { es, lanes } = TYPES[t];
  const V = vt(t);
  const load = (p) => `(${t}.load ${p})`;
  return `  (func $epi_${t} (export "epi_${t}") (param $c i32) (param $ldc i32) (param $t i32) (param $ldt i32) (param $trans i32) (param $M i32) (param $N i32)
      (param $alpha ${t}) (param $bias i32) (param $act i32) (param $slope ${t}) (param $out i32) (param $ldo i32)
    (local $i i32) (local $j i32) (local $pc i32) (local $po i32) (local $pt i32) (local $z ${t}) (local $bi ${t}) (local $vz v128) (local $va v128) (local $vb v128) (local $vs v128) (local $scale i32)
    (local.set $scale (${t}.ne (local.get $alpha) (${t}.const 1)))
    (local.set $va (${V}.splat (local.get $alpha)))
    (local.set $vs (${V}.splat (local.get $slope)))
    (block $id (loop $il
      (br_if $id (i32.ge_u (local.get $i) (local.get $M)))
      (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
      (local.set $po (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $ldo))))
      (local.set $pt (i32.add (local.get $t) (i32.mul (local.get $i) (i32.const ${es}))))
      (local.set $bi (if (result ${t}) (local.get $bias) (then ${load(`(i32.add (local.get $bias) (i32.mul (local.get $i) (i32.const ${es})))`)}) (else (${t}.const 0))))
      (local.set $vb (${V}.splat (local.get $bi)))
      (local.set $j (i32.const 0))
      ;; vectors along the row (not for the transposed source)
      (if (i32.eqz (local.get $trans)) (then
        (block $vd (loop $vl
          (br_if $vd (i32.gt_u (i32.add (local.get $j) (i32.const ${lanes})) (local.get $N)))
          (local.set $vz (v128.load (local.get $pc)))
          (if (local.get $scale) (then (local.set $vz (${V}.mul (local.get $va) (local.get $vz)))))
          (if (local.get $bias) (then (local.set $vz (${V}.add (local.get $vz) (local.get $vb)))))
          (v128.store (local.get $pc) (local.get $vz))
          (if (i32.eq (local.get $act) (i32.const 1)) (then
            (v128.store (local.get $po) (v128.bitselect (v128.const i64x2 0 0) (local.get $vz) (${V}.lt (local.get $vz) (v128.const i64x2 0 0))))))
          (if (i32.eq (local.get $act) (i32.const 2)) (then
            (v128.store (local.get $po) (v128.bitselect (${V}.mul (local.get $vs) (local.get $vz)) (local.get $vz) (${V}.lt (local.get $vz) (v128.const i64x2 0 0))))))
          (if (i32.eq (local.get $act) (i32.const 3)) (then (v128.store (local.get $po) (local.get $vz))))
          (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
          (local.set $po (i32.add (local.get $po) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const ${lanes})))
          (br $vl)))))
      (block $sd (loop $sl
        (br_if $sd (i32.ge_u (local.get $j) (local.get $N)))
        (local.set $z (if (result ${t}) (local.get $trans)
          (then ${load(`(i32.add (local.get $pt) (i32.mul (local.get $j) (local.get $ldt)))`)})
          (else ${load('(local.get $pc)')})))
        (if (local.get $scale) (then (local.set $z (${t}.mul (local.get $alpha) (local.get $z)))))
        (if (local.get $bias) (then (local.set $z (${t}.add (local.get $z) (local.get $bi)))))
        (${t}.store (local.get $pc) (local.get $z))
        (if (i32.eq (local.get $act) (i32.const 1)) (then
          (${t}.store (local.get $po) (select (${t}.const 0) (local.get $z) (${t}.lt (local.get $z) (${t}.const 0))))))
        (if (i32.eq (local.get $act) (i32.const 2)) (then
          (${t}.store (local.get $po) (select (${t}.mul (local.get $slope) (local.get $z)) (local.get $z) (${t}.lt (local.get $z) (${t}.const 0))))))
        (if (i32.eq (local.get $act) (i32.const 3)) (then (${t}.store (local.get $po) (local.get $z))))
        (local.set $pc (i32.add (local.get $pc) (i32.const ${es})))
        (local.set $po (i32.add (local.get $po) (i32.const ${es})))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $sl)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $il)))
  )`;
}

/**
 * job_T: one thread's share of a product: gemm_T on its block of the sums,
 * then the epilogue on the same block of C (see gemm.ts for the arguments).
 */
function job(t) {
  return `  (func $job_${t} (export "job_${t}") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $ldb i32) (param $pst i32) (param $s i32) (param $lds i32)
      (param $trans i32) (param $c i32) (param $ldc i32) (param $alpha ${t}) (param $bias i32) (param $act i32) (param $slope ${t}) (param $out i32) (param $ldo i32)
    (call $gemm_${t} (local.get $M) (local.get $N) (local.get $K) (local.get $a) (local.get $ars) (local.get $acs) (local.get $b) (local.get $ldb) (local.get $pst) (local.get $s) (local.get $lds))
    (if (local.get $trans)
      (then (call $epi_${t} (local.get $c) (local.get $ldc) (local.get $s) (local.get $lds) (i32.const 1) (local.get $N) (local.get $M)
        (local.get $alpha) (local.get $bias) (local.get $act) (local.get $slope) (local.get $out) (local.get $ldo)))
      (else (if (i32.or (i32.or (${t}.ne (local.get $alpha) (${t}.const 1)) (local.get $bias)) (local.get $act))
        (then (call $epi_${t} (local.get $s) (local.get $lds) (i32.const 0) (i32.const 0) (i32.const 0) (local.get $M) (local.get $N)
          (local.get $alpha) (local.get $bias) (local.get $act) (local.get $slope) (local.get $out) (local.get $ldo))))))
  )`;
}

/**
 * rank_T(M, N, K, a, lda, b, ldb, c, ldc): C (M, N) = A (M, K) · B (K, N) for
 * products with few rows (the first layer's Z = W·X), as K/RU rank-RU updates
 * of all of C, which stays in L1 while B streams through once, row after row
 * (B's rows are read in full, which the hardware prefetches well), RANK_V
 * vectors of columns a step, then single vectors, then single columns. Each
 * C[i, j] still adds k = 0, 1, ..., K−1 in order, starting from +0.
 */
function rank(t, relaxed) {
  const { es, lanes, splat, lane } = TYPES[t];
  const { RANK_MR: MR, RANK_U: U, RANK_V } = OPTIONS;
  const V = vt(t);
  const L = [];
  // rank_T: C = 0, then rankacc_T; rankacc_T goes on adding to C as it is, so
  // a K cut into stretches summed one after the other gives the same sums.
  L.push(`  (func $rank_${t} (export "rank_${t}") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (local $i i32) (local $n i32)
    ${zeroRows('c', 'ldc', es)}
    ;; Stretches of TOUCH_ROWS rows of B, each touched first (see touch).
    (local.set $i (i32.const 0))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $i) (local.get $K)))
      (local.set $n ${rest(OPTIONS.TOUCH_ROWS, 'K', 'i')})
      (call $touch (i32.add (local.get $b) (i32.mul (local.get $i) (local.get $ldb))) (local.get $n) (i32.mul (local.get $N) (i32.const ${es})) (local.get $ldb))
      (call $rankacc_${t} (local.get $M) (local.get $N) (local.get $n) (i32.add (local.get $a) (i32.mul (local.get $i) (i32.const ${es}))) (local.get $lda)
        (i32.add (local.get $b) (i32.mul (local.get $i) (local.get $ldb))) (local.get $ldb) (local.get $c) (local.get $ldc))
      (local.set $i (i32.add (local.get $i) (local.get $n)))
      (br $sl)))
  )`);
  L.push(`  (func $rankacc_${t} (export "rankacc_${t}") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)`);
  const locals = ['(local $i i32) (local $j i32) (local $k i32) (local $mr i32) (local $u i32) (local $pc i32) (local $pb i32) (local $pa i32) (local $x v128)'];
  for (let r = 0; r < MR; r++) {
    locals.push(`(local $c${r} v128)`);
    for (let u = 0; u < U; u++) locals.push(`(local $s${r}_${u} v128)`);
  }
  for (let u = 0; u < U; u++) locals.push(`(local $x${u} v128)`);
  L.push('    ' + locals.join(' '));
  // One (mr rows) × (u k-steps) block over all of C's columns; mr ≤ MR, u ≤ U fixed at generation.
  const block = (mr, u, ind) => {
    const out = [];
    for (let r = 0; r < mr; r++) for (let q = 0; q < u; q++) {
      out.push(`${ind}(local.set $s${r}_${q} (${splat} offset=${q * es} (i32.add (local.get $pa) (i32.mul (local.get $lda) (i32.const ${r})))))`);
    }
    // One step: vector v (0 .. nv−1) of columns at byte offset 16·v, or a single column.
    const body = (single, nv, ind2) => {
      const ld = (p, off) => single ? `(${splat} offset=${off} ${p})` : `(v128.load offset=${off} ${p})`;
      for (let v = 0; v < nv; v++) {
        const off = 16 * v;
        for (let q = 0; q < u; q++) out.push(`${ind2}(local.set $x${q} ${ld(`(i32.add (local.get $pb) (i32.mul (local.get $ldb) (i32.const ${q})))`, off)})`);
        for (let r = 0; r < mr; r++) {
          const pc = `(i32.add (local.get $pc) (i32.mul (local.get $ldc) (i32.const ${r})))`;
          out.push(`${ind2}(local.set $c${r} ${ld(pc, off)})`);
          for (let q = 0; q < u; q++) out.push(`${ind2}(local.set $c${r} ${madd(t, relaxed, `(local.get $s${r}_${q})`, `(local.get $x${q})`, `(local.get $c${r})`)})`);
          out.push(single ? `${ind2}(${lane} 0 ${pc} (local.get $c${r}))` : `${ind2}(v128.store offset=${off} ${pc} (local.get $c${r}))`);
        }
      }
    };
    out.push(`${ind}(local.set $j (i32.const 0))`);
    out.push(`${ind}(local.set $pb (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $ldb))))`);
    out.push(`${ind}(local.set $pc (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))`);
    const vectors = (nv, label) => {
      out.push(`${ind}(block $${label}d (loop $${label}l`);
      out.push(`${ind}  (br_if $${label}d (i32.gt_u (i32.add (local.get $j) (i32.const ${nv * lanes})) (local.get $N)))`);
      body(false, nv, ind + '  ');
      out.push(`${ind}  (local.set $pb (i32.add (local.get $pb) (i32.const ${16 * nv})))`);
      out.push(`${ind}  (local.set $pc (i32.add (local.get $pc) (i32.const ${16 * nv})))`);
      out.push(`${ind}  (local.set $j (i32.add (local.get $j) (i32.const ${nv * lanes})))`);
      out.push(`${ind}  (br $${label}l)))`);
    };
    vectors(RANK_V, 'vv');
    if (RANK_V > 1) vectors(1, 'v1');
    out.push(`${ind}(block $sd (loop $sl`);
    out.push(`${ind}  (br_if $sd (i32.ge_u (local.get $j) (local.get $N)))`);
    body(true, 1, ind + '  ');
    out.push(`${ind}  (local.set $pb (i32.add (local.get $pb) (i32.const ${es})))`);
    out.push(`${ind}  (local.set $pc (i32.add (local.get $pc) (i32.const ${es})))`);
    out.push(`${ind}  (local.set $j (i32.add (local.get $j) (i32.const 1)))`);
    out.push(`${ind}  (br $sl)))`);
    return out.join('\n');
  };
  // k blocks of U (then single steps), each over row tiles of MR (then single rows).
  const kLoop = (u, label) => `    (block $${label}d (loop $${label}l
      (br_if $${label}d (i32.gt_u (i32.add (local.get $k) (i32.const ${u})) (local.get $K)))
      (local.set $i (i32.const 0))
      (block $id (loop $il
        (br_if $id (i32.gt_u (i32.add (local.get $i) (i32.const ${MR})) (local.get $M)))
        (local.set $pa (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))) (i32.mul (local.get $k) (i32.const ${es}))))
${block(MR, u, '        ')}
        (local.set $i (i32.add (local.get $i) (i32.const ${MR})))
        (br $il)))
      (block $i1d (loop $i1l
        (br_if $i1d (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $pa (i32.add (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))) (i32.mul (local.get $k) (i32.const ${es}))))
${block(1, u, '        ')}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i1l)))
      (local.set $k (i32.add (local.get $k) (i32.const ${u})))
      (br $${label}l)))`;
  L.push(kLoop(U, 'ku'));
  if (U > 1) L.push(kLoop(1, 'k1'));
  L.push('  )');
  void V;
  return L.join('\n');
}

/**
 * jobr_T: job_T's arguments, with the sums made by rank_T (a, ars = A and its
 * row stride; b, ldb = B; s, lds = where rank_T sums). When s is not c (a
 * thread's own block, see the rank path in index.ts) the sums are copied into
 * C's rows afterwards; then the epilogue on C.
 */
function jobRank(t) {
  const { es } = TYPES[t];
  return `  (func $jobr_${t} (export "jobr_${t}") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $ldb i32) (param $pst i32) (param $s i32) (param $lds i32)
      (param $trans i32) (param $c i32) (param $ldc i32) (param $alpha ${t}) (param $bias i32) (param $act i32) (param $slope ${t}) (param $out i32) (param $ldo i32)
    (local $i i32)
    (call $rank_${t} (local.get $M) (local.get $N) (local.get $K) (local.get $a) (local.get $ars) (local.get $b) (local.get $ldb) (local.get $s) (local.get $lds))
    (if (i32.ne (local.get $s) (local.get $c)) (then
      (block $cd (loop $cl
        (br_if $cd (i32.ge_u (local.get $i) (local.get $M)))
        (memory.copy (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $lds))) (i32.mul (local.get $N) (i32.const ${es})))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $cl)))))
    (if (i32.or (i32.or (${t}.ne (local.get $alpha) (${t}.const 1)) (local.get $bias)) (local.get $act))
      (then (call $epi_${t} (local.get $c) (local.get $ldc) (i32.const 0) (i32.const 0) (i32.const 0) (local.get $M) (local.get $N)
        (local.get $alpha) (local.get $bias) (local.get $act) (local.get $slope) (local.get $out) (local.get $ldo))))
  )`;
}

/**
 * sumr_T(M, N, parts, s, lds, pst, c, ldc, alpha, bias, act, slope, out, ldo):
 * C = the sum of `parts` blocks of partial sums (block p at s + p·pst, rows lds
 * bytes apart, lds a multiple of 16), then the epilogue on C. The blocks are
 * added pairwise in place, S0 += S1, S2 += S3, … then S0 += S2, … (whole
 * blocks, padding included), so the order depends on `parts` alone; S0's rows
 * are then copied into C. The rank path's products over a long K (index.ts).
 */
function sumParts(t) {
  const { es } = TYPES[t];
  const V = vt(t);
  return `  (func $sumr_${t} (export "sumr_${t}") (param $M i32) (param $N i32) (param $parts i32) (param $s i32) (param $lds i32) (param $pst i32)
      (param $c i32) (param $ldc i32) (param $alpha ${t}) (param $bias i32) (param $act i32) (param $slope ${t}) (param $out i32) (param $ldo i32)
    (local $w i32) (local $p i32) (local $x i32) (local $y i32) (local $end i32) (local $i i32)
    (local.set $w (i32.const 1))
    (block $wd (loop $wl
      (br_if $wd (i32.ge_u (local.get $w) (local.get $parts)))
      (local.set $p (i32.const 0))
      (block $pd (loop $pl
        (br_if $pd (i32.ge_u (i32.add (local.get $p) (local.get $w)) (local.get $parts)))
        (local.set $y (i32.add (local.get $s) (i32.mul (local.get $p) (local.get $pst))))
        (local.set $x (i32.add (local.get $s) (i32.mul (i32.add (local.get $p) (local.get $w)) (local.get $pst))))
        (local.set $end (i32.add (local.get $y) (i32.mul (local.get $M) (local.get $lds))))
        (block $vd (loop $vl
          (br_if $vd (i32.ge_u (local.get $y) (local.get $end)))
          (v128.store (local.get $y) (${V}.add (v128.load (local.get $y)) (v128.load (local.get $x))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (br $vl)))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $w) (i32.const 1))))
        (br $pl)))
      (local.set $w (i32.shl (local.get $w) (i32.const 1)))
      (br $wl)))
    (block $cd (loop $cl
      (br_if $cd (i32.ge_u (local.get $i) (local.get $M)))
      (memory.copy (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $lds))) (i32.mul (local.get $N) (i32.const ${es})))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $cl)))
    (if (i32.or (i32.or (${t}.ne (local.get $alpha) (${t}.const 1)) (local.get $bias)) (local.get $act))
      (then (call $epi_${t} (local.get $c) (local.get $ldc) (i32.const 0) (i32.const 0) (i32.const 0) (local.get $M) (local.get $N)
        (local.get $alpha) (local.get $bias) (local.get $act) (local.get $slope) (local.get $out) (local.get $ldo))))
  )`;
}

/**
 * dot_T(M, N, K, a, lda, b, ldb, c, ldc): C (M, N) = A (M, K) · Bᵀ with B (N, K),
 * the weight gradient (8) dW = dZ · A_prevᵀ, as dot products of rows that are
 * both contiguous: A's rows stay in L1 while B's rows stream through once.
 * Each C[i, j] keeps one partial sum per lane (k ≡ lane mod lanes, ascending),
 * combined pairwise at the end, then the K mod lanes last terms in order: a
 * fixed order, whichever thread computes it.
 */
function dot(t, relaxed) {
  const { es, lanes } = TYPES[t];
  const { DOT_MR: MR, DOT_NR: NR } = OPTIONS;
  const V = vt(t);
  const parts = [];
  const hsum = (v) => lanes === 2
    ? `(${t}.add (${V}.extract_lane 0 ${v}) (${V}.extract_lane 1 ${v}))`
    : `(${t}.add (${t}.add (${V}.extract_lane 0 ${v}) (${V}.extract_lane 1 ${v})) (${t}.add (${V}.extract_lane 2 ${v}) (${V}.extract_lane 3 ${v})))`;
  for (let mr = 1; mr <= MR; mr++) for (let nr = 1; nr <= NR; nr++) {
    const L = [];
    L.push(`  (func $dk_${t}_${mr}_${nr} (type $dk) (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $K i32)`);
    const loc = ['(local $rem i32) (local $x v128) (local $s ' + t + ')'];
    for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) loc.push(`(local $c${r}_${q} v128)`);
    for (let q = 0; q < nr; q++) loc.push(`(local $b${q} v128)`);
    for (let r = 0; r < mr; r++) loc.push(`(local $ra${r} i32)`);
    for (let q = 0; q < nr; q++) loc.push(`(local $rb${q} i32)`);
    loc.push('(local $end i32)');
    L.push('    ' + loc.join(' '));
    // One pointer per row, advanced 16 bytes a step; the loop ends on A's first
    // row pointer (few registers live, no address arithmetic but the increments).
    const ra = (r) => `$ra${r}`, rb = (q) => `$rb${q}`;
    L.push(`    (local.set $ra0 (local.get $a)) (local.set $rb0 (local.get $b))`);
    for (let r = 1; r < mr; r++) L.push(`    (local.set $ra${r} (i32.add (local.get $ra${r - 1}) (local.get $lda)))`);
    for (let q = 1; q < nr; q++) L.push(`    (local.set $rb${q} (i32.add (local.get $rb${q - 1}) (local.get $ldb)))`);
    L.push(`    (local.set $end (i32.add (local.get $a) (i32.mul (i32.and (local.get $K) (i32.const ${-lanes})) (i32.const ${es}))))`);
    L.push(`    (if (i32.lt_u (local.get $ra0) (local.get $end)) (then (loop $kl`);
    for (let q = 0; q < nr; q++) L.push(`      (local.set $b${q} (v128.load (local.get ${rb(q)})))`);
    for (let r = 0; r < mr; r++) {
      L.push(`      (local.set $x (v128.load (local.get ${ra(r)})))`);
      for (let q = 0; q < nr; q++) L.push(`      (local.set $c${r}_${q} ${madd(t, relaxed, '(local.get $x)', `(local.get $b${q})`, `(local.get $c${r}_${q})`)})`);
    }
    for (let r = 0; r < mr; r++) L.push(`      (local.set ${ra(r)} (i32.add (local.get ${ra(r)}) (i32.const 16)))`);
    for (let q = 0; q < nr; q++) L.push(`      (local.set ${rb(q)} (i32.add (local.get ${rb(q)}) (i32.const 16)))`);
    L.push(`      (br_if $kl (i32.lt_u (local.get $ra0) (local.get $end))))))`);
    // Lanes combined, then the last K mod lanes terms in order (the row pointers
    // are at them now); stored to C[r, q].
    L.push(`    (local.set $rem (i32.and (local.get $K) (i32.const ${lanes - 1})))`);
    for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) {
      L.push(`    (local.set $s ${hsum(`(local.get $c${r}_${q})`)})`);
      for (let e = 0; e < lanes - 1; e++) {
        L.push(`    (if (i32.gt_u (local.get $rem) (i32.const ${e})) (then (local.set $s (${t}.add (local.get $s) (${t}.mul (${t}.load offset=${e * es} (local.get ${ra(r)})) (${t}.load offset=${e * es} (local.get ${rb(q)})))))))`);
      }
      L.push(`    (${t}.store offset=${q * es} (i32.add (local.get $c) (i32.mul (local.get $ldc) (i32.const ${r}))) (local.get $s))`);
    }
    L.push('  )');
    parts.push(L.join('\n'));
  }
  // Driver: column blocks of NR rows of B, row tiles of MR rows of A.
  parts.push(`  (func $dot_${t} (export "dot_${t}") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (local $i i32) (local $j i32) (local $mr i32) (local $nr i32)
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $j) (local.get $N)))
      ;; A new stretch of TOUCH_ROWS rows of B: touched first (see touch).
      (if (i32.eqz (i32.rem_u (local.get $j) (i32.const ${OPTIONS.TOUCH_ROWS})))
        (then (call $touch (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $ldb)))
          ${rest(OPTIONS.TOUCH_ROWS, 'N', 'j')} (i32.mul (local.get $K) (i32.const ${TYPES[t].es})) (local.get $ldb))))
      (local.set $nr ${rest(NR, 'N', 'j')})
      (local.set $i (i32.const 0))
      (block $id (loop $il
        (br_if $id (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $mr ${rest(MR, 'M', 'i')})
        (call_indirect $tab (type $dk)
          (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))) (local.get $lda)
          (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $ldb))) (local.get $ldb)
          (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.mul (local.get $j) (i32.const ${es})))
          (local.get $ldc) (local.get $K)
          (i32.add (i32.const DOTBASE_${t}) (i32.add (i32.mul (i32.sub (local.get $mr) (i32.const 1)) (i32.const ${NR})) (i32.sub (local.get $nr) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const ${MR})))
        (br $il)))
      (local.set $j (i32.add (local.get $j) (i32.const ${NR})))
      (br $jl)))
  )
  (func $jobd_${t} (export "jobd_${t}") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $ldb i32) (param $pst i32) (param $s i32) (param $lds i32)
      (param $trans i32) (param $c i32) (param $ldc i32) (param $alpha ${t}) (param $bias i32) (param $act i32) (param $slope ${t}) (param $out i32) (param $ldo i32)
    (call $dot_${t} (local.get $M) (local.get $N) (local.get $K) (local.get $a) (local.get $ars) (local.get $b) (local.get $ldb) (local.get $s) (local.get $lds))
    (if (i32.or (i32.or (${t}.ne (local.get $alpha) (${t}.const 1)) (local.get $bias)) (local.get $act))
      (then (call $epi_${t} (local.get $s) (local.get $lds) (i32.const 0) (i32.const 0) (i32.const 0) (local.get $M) (local.get $N)
        (local.get $alpha) (local.get $bias) (local.get $act) (local.get $slope) (local.get $out) (local.get $ldo))))
  )`);
  return parts.join('\n');
}

/**
 * pack_T(src, rs, cs, K, N, dst): B(k, j) = src[k·rs + j·cs] (byte strides) into
 * NR-wide panels, panel p holding rows k = 0..K-1 of columns pNR..pNR+NR-1
 * (K·NR values; the last panel's columns past N are left as they were, the
 * micro-kernels do not read them). Memory is read in order either way: with B's
 * rows contiguous (cs = es), a block of PACK_KB rows at a time goes out to every
 * panel, a panel row being NR adjacent values (vectors); otherwise (Aᵀ, cs the
 * row stride) each column of the panel is read down B's column, which is then
 * contiguous.
 */
function pack(t) {
  const { es, lanes, nv } = TYPES[t];
  const NR = lanes * nv;
  const KB = OPTIONS.PACK_KB;
  const copyRow = Array.from({ length: nv }, (_, v) => `              (v128.store offset=${16 * v} (local.get $d) (v128.load offset=${16 * v} (local.get $s)))`).join('\n');
  return `  (func $pack_${t} (export "pack_${t}") (param $src i32) (param $rs i32) (param $cs i32) (param $K i32) (param $N i32) (param $dst i32)
    (local $j i32) (local $k i32) (local $k0 i32) (local $ke i32) (local $w i32) (local $jj i32) (local $s i32) (local $d i32)
    (if (i32.eq (local.get $cs) (i32.const ${es}))
      (then
        ;; rows contiguous: K blocks of ${KB} rows, each spread over all panels
        (block $bd (loop $bl
          (br_if $bd (i32.ge_u (local.get $k0) (local.get $K)))
          (local.set $ke (select (i32.add (local.get $k0) (i32.const ${KB})) (local.get $K) (i32.lt_u (i32.add (local.get $k0) (i32.const ${KB})) (local.get $K))))
          (local.set $j (i32.const 0))
          (block $jd (loop $jl
            (br_if $jd (i32.ge_u (local.get $j) (local.get $N)))
            (local.set $w ${rest(NR, 'N', 'j')})
            (local.set $s (i32.add (i32.add (local.get $src) (i32.mul (local.get $k0) (local.get $rs))) (i32.mul (local.get $j) (i32.const ${es}))))
            (local.set $d (i32.add (local.get $dst) (i32.mul (i32.add (i32.mul (local.get $j) (local.get $K)) (i32.mul (local.get $k0) (i32.const ${NR}))) (i32.const ${es}))))
            (local.set $k (local.get $k0))
            (block $kd (loop $kl
              (br_if $kd (i32.ge_u (local.get $k) (local.get $ke)))
              (if (i32.eq (local.get $w) (i32.const ${NR}))
                (then
${copyRow})
                (else
                  (local.set $jj (i32.const 0))
                  (block $wd (loop $wl
                    (br_if $wd (i32.ge_u (local.get $jj) (local.get $w)))
                    (${t}.store (i32.add (local.get $d) (i32.mul (local.get $jj) (i32.const ${es}))) (${t}.load (i32.add (local.get $s) (i32.mul (local.get $jj) (i32.const ${es})))))
                    (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
                    (br $wl)))))
              (local.set $s (i32.add (local.get $s) (local.get $rs)))
              (local.set $d (i32.add (local.get $d) (i32.const ${NR * es})))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $kl)))
            (local.set $j (i32.add (local.get $j) (i32.const ${NR})))
            (br $jl)))
          (local.set $k0 (local.get $ke))
          (br $bl))))
      (else
        ;; columns contiguous (or neither): panel by panel, column by column, down k
        (block $jd (loop $jl
          (br_if $jd (i32.ge_u (local.get $j) (local.get $N)))
          (local.set $w ${rest(NR, 'N', 'j')})
          (local.set $jj (i32.const 0))
          (block $cd (loop $cl
            (br_if $cd (i32.ge_u (local.get $jj) (local.get $w)))
            (local.set $s (i32.add (local.get $src) (i32.mul (i32.add (local.get $j) (local.get $jj)) (local.get $cs))))
            (local.set $d (i32.add (local.get $dst) (i32.mul (i32.add (i32.mul (local.get $j) (local.get $K)) (local.get $jj)) (i32.const ${es}))))
            (local.set $k (i32.const 0))
            (block $kd (loop $kl
              (br_if $kd (i32.ge_u (local.get $k) (local.get $K)))
              (${t}.store (local.get $d) (${t}.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $rs)))
              (local.set $d (i32.add (local.get $d) (i32.const ${NR * es})))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $kl)))
            (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
            (br $cl)))
          (local.set $j (i32.add (local.get $j) (i32.const ${NR})))
          (br $jl)))))
  )`;
}

/** relub_T(da, z, dz, n): dz = z <= 0 ? 0 : da, the ReLU backward (−0 and NaN in z as the reference: 0 and da). */
function reluBackward(t) {
  const { es, lanes } = TYPES[t];
  const V = vt(t);
  return `  (func (export "relub_${t}") (param $da i32) (param $z i32) (param $dz i32) (param $n i32)
    (local $i i32)
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $i) (i32.const ${lanes})) (local.get $n)))
      (v128.store (local.get $dz) (v128.andnot (v128.load (local.get $da)) (${V}.le (v128.load (local.get $z)) (v128.const i32x4 0 0 0 0))))
      (local.set $da (i32.add (local.get $da) (i32.const 16)))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $dz (i32.add (local.get $dz) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const ${lanes})))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $i) (local.get $n)))
      (${t}.store (local.get $dz) (select (${t}.const 0) (${t}.load (local.get $da)) (${t}.le (${t}.load (local.get $z)) (${t}.const 0))))
      (local.set $da (i32.add (local.get $da) (i32.const ${es})))
      (local.set $z (i32.add (local.get $z) (i32.const ${es})))
      (local.set $dz (i32.add (local.get $dz) (i32.const ${es})))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $sl)))
  )`;
}

/** axpy_T(alpha, x, y, n): y = y + alpha·x, multiply then add as the reference (never fused). */
function axpy(t) {
  const { es, lanes } = TYPES[t];
  const V = vt(t);
  return `  (func $axpy_${t} (export "axpy_${t}") (param $alpha ${t}) (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $va v128)
    (local.set $va (${V}.splat (local.get $alpha)))
    (block $vd (loop $vl
      (br_if $vd (i32.gt_u (i32.add (local.get $i) (i32.const ${lanes})) (local.get $n)))
      (v128.store (local.get $y) (${V}.add (v128.load (local.get $y)) (${V}.mul (local.get $va) (v128.load (local.get $x)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const ${lanes})))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $i) (local.get $n)))
      (${t}.store (local.get $y) (${t}.add (${t}.load (local.get $y)) (${t}.mul (local.get $alpha) (${t}.load (local.get $x)))))
      (local.set $x (i32.add (local.get $x) (i32.const ${es})))
      (local.set $y (i32.add (local.get $y) (i32.const ${es})))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $sl)))
  )`;
}

/**
 * The Model's optimizer steps, one pass over the parameter arena:
 *   mom_T(lr, beta, omb, g, v, p, n):            v = β·v + (1 − β)·g;  p = p − α·v
 *   rms_T(lr, beta, omb, eps, g, s, p, n):       s = β·s + (1 − β)·g²; p = p − α·g / (√s + ε)
 *   adam_T(lr, b1, omb1, b2, omb2, eps, c1, c2, g, v, s, p, n):
 *     v = β1·v + (1 − β1)·g; s = β2·s + (1 − β2)·g²; p = p − α·(v / c1) / (√(s / c2) + ε)
 * (omb = 1 − β, c = 1 − βᵗ, computed by the caller as the reference computes
 * them). Operation for operation the reference's (ref/index.ts): float64
 * arithmetic whatever the storage, two elements per step as f64x2 (float32
 * values promoted), each moment rounded to the storage type when stored and
 * used as stored, never fused; so the results are bit-identical to it.
 */
function optimizerUpdates(t) {
  const { es } = TYPES[t];
  const f32 = t === 'f32';
  const forms = {
    // Two elements as f64x2 (float32: the low two lanes, promoted).
    v: {
      V: 'f64x2', type: 'v128', step: 2 * es, count: 2,
      load: (p) => (f32 ? `(f64x2.promote_low_f32x4 (v128.load64_zero ${p}))` : `(v128.load ${p})`),
      store: (p, x) => (f32 ? `(v128.store64_lane 0 ${p} (f32x4.demote_f64x2_zero ${x}))` : `(v128.store ${p} ${x})`),
      round: (x) => (f32 ? `(f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero ${x}))` : x),
    },
    // The last element, if n is odd.
    s: {
      V: 'f64', type: 'f64', step: es, count: 1,
      load: (p) => (f32 ? `(f64.promote_f32 (f32.load ${p}))` : `(f64.load ${p})`),
      store: (p, x) => (f32 ? `(f32.store ${p} (f32.demote_f64 ${x}))` : `(f64.store ${p} ${x})`),
      round: (x) => (f32 ? `(f64.promote_f32 (f32.demote_f64 ${x}))` : x),
    },
  };
  /** One function: scalar parameters, arrays, and the body for one form (o) with locals named by `l`. */
  const make = (name, scalars, arrays, temps, body) => {
    const L = [];
    L.push(`  (func $${name}_${t} (export "${name}_${t}") ${scalars.map((c) => `(param $${c} f64)`).join(' ')} ${arrays.map((a) => `(param $${a} i32)`).join(' ')} (param $n i32)`);
    L.push(`    (local $i i32) ${scalars.map((c) => `(local $${c}v v128)`).join(' ')} ${temps.map((x) => `(local $${x}v v128) (local $${x}s f64)`).join(' ')}`);
    for (const c of scalars) L.push(`    (local.set $${c}v (f64x2.splat (local.get $${c})))`);
    for (const [key, cond] of [['v', `(i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n))`], ['s', `(i32.ge_u (local.get $i) (local.get $n))`]]) {
      const o = forms[key];
      const k = (c) => `(local.get $${c}${key === 'v' ? 'v' : ''})`;
      const x = (name) => `$${name}${key}`;
      const op = (fn, ...args) => `(${o.V}.${fn} ${args.join(' ')})`;
      L.push(`    (block $${key}d (loop $${key}l`);
      L.push(`      (br_if $${key}d ${cond})`);
      for (const line of body({ o, k, x, op, get: (a) => `(local.get $${a})` })) L.push(`      ${line}`);
      for (const a of arrays) L.push(`      (local.set $${a} (i32.add (local.get $${a}) (i32.const ${o.step})))`);
      L.push(`      (local.set $i (i32.add (local.get $i) (i32.const ${o.count})))`);
      L.push(`      (br $${key}l)))`);
    }
    L.push('  )');
    return L.join('\n');
  };
  /** x = value; store it into array a; x = the stored value (rounded to the storage type). */
  const keep = ({ o, x, get }, name, a, value) => [
    `(local.set ${x(name)} ${value})`,
    o.store(get(a), `(local.get ${x(name)})`),
    `(local.set ${x(name)} ${o.round(`(local.get ${x(name)})`)})`,
  ];
  const momentum = make('mom', ['lr', 'beta', 'omb'], ['g', 'v', 'p'], ['m'], (e) => {
    const { o, k, x, op, get } = e;
    return [
      ...keep(e, 'm', 'v', op('add', op('mul', k('beta'), o.load(get('v'))), op('mul', k('omb'), o.load(get('g'))))),
      o.store(get('p'), op('sub', o.load(get('p')), op('mul', k('lr'), `(local.get ${x('m')})`))),
    ];
  });
  const rmsprop = make('rms', ['lr', 'beta', 'omb', 'eps'], ['g', 's', 'p'], ['g', 'q'], (e) => {
    const { o, k, x, op, get } = e;
    const g = `(local.get ${x('g')})`;
    return [
      `(local.set ${x('g')} ${o.load(get('g'))})`,
      ...keep(e, 'q', 's', op('add', op('mul', k('beta'), o.load(get('s'))), op('mul', k('omb'), op('mul', g, g)))),
      o.store(get('p'), op('sub', o.load(get('p')), op('div', op('mul', k('lr'), g), op('add', op('sqrt', `(local.get ${x('q')})`), k('eps'))))),
    ];
  });
  const adam = make('adam', ['lr', 'b1', 'omb1', 'b2', 'omb2', 'eps', 'c1', 'c2'], ['g', 'v', 's', 'p'], ['g', 'm', 'q'], (e) => {
    const { o, k, x, op, get } = e;
    const g = `(local.get ${x('g')})`;
    return [
      `(local.set ${x('g')} ${o.load(get('g'))})`,
      ...keep(e, 'm', 'v', op('add', op('mul', k('b1'), o.load(get('v'))), op('mul', k('omb1'), g))),
      ...keep(e, 'q', 's', op('add', op('mul', k('b2'), o.load(get('s'))), op('mul', k('omb2'), op('mul', g, g)))),
      o.store(get('p'), op('sub', o.load(get('p')), op('div', op('mul', k('lr'), op('div', `(local.get ${x('m')})`, k('c1'))),
        op('add', op('sqrt', op('div', `(local.get ${x('q')})`, k('c2'))), k('eps'))))),
    ];
  });
  return [momentum, rmsprop, adam].join('\n');
}

/**
 * jobf_T: one part of the first layer's fused step (full-batch training; see
 * `firstLayerStep` in index.ts). For each stretch of FUSE_ROWS rows r of X in
 * the part (X (K, N) from x; W, dW (M, ·) from w, dw, both ldw bytes a row):
 *   dW[:, r] = alpha · dZ · X[r, :]ᵀ     dot_T, then the epilogue's scaling (jobd_T's order)
 *   dW[:, r] += l2c · W[:, r]            axpy_T, when l2 is set (the backward pass's L2 term)
 *   W[:, r] updated from dW[:, r]        the optimizer's step, row by row (opt 0 gd: axpy_T
 *                                        with −lr; 1 mom_T, 2 rms_T, 3 adam_T, moments at v, sq)
 *   S += W[:, r] · X[r, :]               rankacc_T: the next forward's sums of this part
 * with S = 0 first; the optimizer's scalars are float64s at h (h[0..7], as the
 * kernels' update calls pass them; h[8] l2c). Every step is element by element
 * or per element the same sum as the separate calls, so every dW, W and S
 * element is what they give it; the stretch of X is read from memory once,
 * where the separate calls read X twice. dot_T touches the stretch first
 * (see touch): on the cat model's step (one process, alternating, AMD EPYC)
 * that took one thread from 12.85 to 9.5 ms and two from 5.17 to 4.9–5.1 ms;
 * one load per 128 or 256 bytes was slower than per 64.
 */
function fused(t) {
  const { es } = TYPES[t];
  const R = OPTIONS.FUSE_ROWS;
  const h = (i) => `(f64.load offset=${8 * i} (local.get $h))`;
  const ht = (i) => (t === 'f32' ? `(f32.demote_f64 ${h(i)})` : h(i));
  const seg = (base) => `(i32.add (local.get ${base}) (local.get $o))`;
  return `  (func $jobf_${t} (export "jobf_${t}") (param $M i32) (param $N i32) (param $K i32) (param $dz i32) (param $ldz i32) (param $x i32) (param $ldx i32)
      (param $s i32) (param $lds i32) (param $dw i32) (param $w i32) (param $ldw i32) (param $alpha ${t}) (param $opt i32) (param $v i32) (param $sq i32) (param $h i32) (param $l2 i32)
    (local $r i32) (local $nr i32) (local $i i32) (local $o i32) (local $px i32)
    ${zeroRows('s', 'lds', es)}
    (block $rd (loop $rl
      (br_if $rd (i32.ge_u (local.get $r) (local.get $K)))
      (local.set $nr ${rest(R, 'K', 'r')})
      (local.set $px (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $ldx))))
      (call $dot_${t} (local.get $M) (local.get $nr) (local.get $N) (local.get $dz) (local.get $ldz) (local.get $px) (local.get $ldx)
        (i32.add (local.get $dw) (i32.mul (local.get $r) (i32.const ${es}))) (local.get $ldw))
      (if (${t}.ne (local.get $alpha) (${t}.const 1))
        (then (call $epi_${t} (i32.add (local.get $dw) (i32.mul (local.get $r) (i32.const ${es}))) (local.get $ldw) (i32.const 0) (i32.const 0) (i32.const 0)
          (local.get $M) (local.get $nr) (local.get $alpha) (i32.const 0) (i32.const 0) (${t}.const 0) (i32.const 0) (i32.const 0))))
      (local.set $i (i32.const 0))
      (block $id (loop $il
        (br_if $id (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $o (i32.add (i32.mul (local.get $i) (local.get $ldw)) (i32.mul (local.get $r) (i32.const ${es}))))
        (if (local.get $l2) (then (call $axpy_${t} ${ht(8)} ${seg('$w')} ${seg('$dw')} (local.get $nr))))
        (block $done (block $adam (block $rms (block $mom (block $gd
          (br_table $gd $mom $rms $adam (local.get $opt)))
          (call $axpy_${t} ${ht(0)} ${seg('$dw')} ${seg('$w')} (local.get $nr))
          (br $done))
          (call $mom_${t} ${h(0)} ${h(1)} ${h(2)} ${seg('$dw')} ${seg('$v')} ${seg('$w')} (local.get $nr))
          (br $done))
          (call $rms_${t} ${h(0)} ${h(1)} ${h(2)} ${h(3)} ${seg('$dw')} ${seg('$sq')} ${seg('$w')} (local.get $nr))
          (br $done))
          (call $adam_${t} ${[0, 1, 2, 3, 4, 5, 6, 7].map(h).join(' ')} ${seg('$dw')} ${seg('$v')} ${seg('$sq')} ${seg('$w')} (local.get $nr)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $il)))
      (call $rankacc_${t} (local.get $M) (local.get $N) (local.get $nr) (i32.add (local.get $w) (i32.mul (local.get $r) (i32.const ${es}))) (local.get $ldw)
        (local.get $px) (local.get $ldx) (local.get $s) (local.get $lds))
      (local.set $r (i32.add (local.get $r) (local.get $nr)))
      (br $rl)))
  )`;
}

/**
 * touch(p, rows, bytes, stride): loads one word per 64 bytes of `rows` rows of
 * `bytes` bytes each, `stride` bytes apart, in order, so that their cache
 * lines stream in at the memory's full speed before a kernel computes on
 * them (the words are summed and the sum checked, so no engine drops the
 * loads). The kernels that stream a large operand (rank_T's B, dot_T's B and
 * jobf_T's X) touch each stretch of TOUCH_ROWS rows just before using it:
 * waiting for the lines as a kernel asks for them, two or four rows at a
 * time, cost more than this pass.
 */
function touch() {
  return `  (func $touch (param $p i32) (param $rows i32) (param $bytes i32) (param $stride i32)
    (local $q i32) (local $qe i32) (local $acc i64)
    (block $rd (loop $rl
      (br_if $rd (i32.eqz (local.get $rows)))
      (local.set $q (local.get $p))
      (local.set $qe (i32.add (local.get $p) (local.get $bytes)))
      (block $td (loop $tl
        (br_if $td (i32.ge_u (local.get $q) (local.get $qe)))
        (local.set $acc (i64.add (local.get $acc) (i64.load (local.get $q))))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (br $tl)))
      (local.set $p (i32.add (local.get $p) (local.get $stride)))
      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
      (br $rl)))
  )`;
}

/**
 * Sets `bytes` bytes from `p` to zero (memory.fill): the runtime zeroes every
 * matrix it hands out, and a typed array's fill over shared memory runs about
 * ten times slower than this.
 */
function zero() {
  return `  (func (export "zero") (param $p i32) (param $bytes i32)
    (memory.fill (local.get $p) (i32.const 0) (local.get $bytes))
  )`;
}

/**
 * The functions a thread runs a product's chunks with, by number (the pool's
 * FN_ constants), and their parameter types.
 */
/** The optimizer steps' parameters: float64 scalars, then the arrays' addresses and n (the same for both element types). */
const OPTIMIZER_PARAMS = {
  mom: [...Array(3).fill('f64'), ...Array(4).fill('i32')],
  rms: [...Array(4).fill('f64'), ...Array(4).fill('i32')],
  adam: [...Array(8).fill('f64'), ...Array(5).fill('i32')],
};
const FUSED_PARAMS = (t) => Array.from({ length: 18 }, (_, i) => (i === 12 ? t : 'i32'));
const JOB_PARAMS = (t) => Array.from({ length: 20 }, (_, i) => (i === 14 || i === 17 ? t : 'i32'));
export const CHUNK_FUNCTIONS = [
  ['job_f64', JOB_PARAMS('f64')], ['job_f32', JOB_PARAMS('f32')],
  ['jobr_f64', JOB_PARAMS('f64')], ['jobr_f32', JOB_PARAMS('f32')],
  ['jobd_f64', JOB_PARAMS('f64')], ['jobd_f32', JOB_PARAMS('f32')],
  ['pack_f64', Array(6).fill('i32')], ['pack_f32', Array(6).fill('i32')],
  ...['mom', 'rms', 'adam'].flatMap((name) => ['f64', 'f32'].map((t) => [`${name}_${t}`, OPTIMIZER_PARAMS[name]])),
  ['jobf_f64', FUSED_PARAMS('f64')], ['jobf_f32', FUSED_PARAMS('f32')],
];

/**
 * chunk(fn, at): runs one chunk of a product, function number fn of
 * CHUNK_FUNCTIONS with its arguments read from memory at `at`, one float64
 * each (integers exactly; alpha and slope rounded to float32 for the f32
 * functions, as a call from JavaScript rounds them). Every thread runs
 * chunks this way, so a product's dispatch passes two integers across the
 * JavaScript boundary instead of twenty numbers.
 */
function chunk() {
  const arg = (type, i) => {
    const load = `(f64.load offset=${8 * i} (local.get $at))`;
    return type === 'i32' ? `(i32.trunc_f64_u ${load})` : type === 'f32' ? `(f32.demote_f64 ${load})` : load;
  };
  let body = `(br_table ${CHUNK_FUNCTIONS.map((_, i) => `$c${i}`).join(' ')} $bad (local.get $fn))`;
  CHUNK_FUNCTIONS.forEach(([name, params], i) => {
    body = `(block $c${i} ${body})
    (return (call $${name} ${params.map(arg).join(' ')}))`;
  });
  return `  (func (export "chunk") (param $fn i32) (param $at i32)
    (block $bad ${body})
    unreachable
  )`;
}

/** The whole module as WAT text; `relaxed` selects fused multiply-add. Memory is imported, shared. */
export function generateWat(relaxed) {
  const parts = [];
  const table = [];
  let base = 0;
  const bases = {};
  const dotBases = {};
  for (const t of Object.keys(TYPES)) {
    bases[t] = base;
    const { mr: MR, nv: NV } = TYPES[t];
    dotBases[t] = -1;
    for (const contig of [false, true]) {
      for (let mr = 1; mr <= MR; mr++) for (let nv = 0; nv <= NV; nv++) {
        table[base + slot(t, mr, nv)] = `$mk${contig ? 'c' : ''}_${t}_${mr}_${nv}`;
        parts.push(microKernel(t, relaxed, mr, nv, contig));
      }
      base += kernelsPerType(t);
    }
  }
  for (const t of Object.keys(TYPES)) {
    dotBases[t] = base;
    for (let mr = 1; mr <= OPTIONS.DOT_MR; mr++) for (let nr = 1; nr <= OPTIONS.DOT_NR; nr++) table[base + (mr - 1) * OPTIONS.DOT_NR + nr - 1] = `$dk_${t}_${mr}_${nr}`;
    base += OPTIONS.DOT_MR * OPTIONS.DOT_NR;
  }
  for (const t of Object.keys(TYPES)) parts.push(driver(t, bases[t]), epilogue(t), job(t), rank(t, relaxed), jobRank(t), sumParts(t), dot(t, relaxed).replace(`DOTBASE_${t}`, String(dotBases[t])), pack(t), axpy(t), reluBackward(t), optimizerUpdates(t), fused(t));
  parts.push(touch(), zero(), chunk());
  return `;; Generated by scripts/build-wasm.mjs from scripts/wasm-source.mjs; do not edit.
;; dnn kernels, ${relaxed ? 'relaxed SIMD (fused multiply-add)' : 'SIMD (multiply, then add)'}.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (type $mk (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (type $dk (func (param i32 i32 i32 i32 i32 i32 i32)))
  (table $tab ${table.length} funcref)
  (elem (i32.const 0) ${table.join(' ')})
${parts.join('\n')}
)
`;
}

/** Assembles WAT with wabt; `shared: false` makes the variant for pages without cross-origin isolation. */
export async function assemble(wat, { shared = true } = {}) {
  const { default: wabt } = await import('wabt');
  const w = await wabt();
  const text = shared ? wat : wat.replace('(memory 1 65536 shared)', '(memory 1 65536)');
  const features = { simd: true, relaxed_simd: true, threads: true, bulk_memory: true };
  const mod = w.parseWat('dnn-kernels.wat', text, features);
  try {
    mod.resolveNames();
    mod.validate(features);
    return new Uint8Array(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}
