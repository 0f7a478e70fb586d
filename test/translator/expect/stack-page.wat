;; 50 89 5c 24 08 59
(module
 (type $0 (func (param i32 i32 i32) (result i32)))
 (type $1 (func (param i32) (result i32)))
 (type $2 (func (result i32)))
 (type $3 (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
 (type $4 (func (param i32 i32 i32)))
 (type $5 (func (param i32)))
 (type $6 (func (param i32 i32)))
 (type $7 (func (param i32 i32 i32 i32 i32)))
 (type $8 (func (param i32 i32 i32 i32 i32) (result i32)))
 (type $9 (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
 (type $10 (func (param i32 i32) (result i32)))
 (import "env" "memory" (memory $0 0 65536))
 (import "env" "read8" (func $read8 (param i32 i32 i32) (result i32)))
 (import "env" "read16" (func $read16 (param i32 i32 i32) (result i32)))
 (import "env" "read32" (func $read32 (param i32 i32 i32) (result i32)))
 (import "env" "write8" (func $write8 (param i32 i32 i32) (result i32)))
 (import "env" "write16" (func $write16 (param i32 i32 i32) (result i32)))
 (import "env" "write32" (func $write32 (param i32 i32 i32) (result i32)))
 (import "env" "probeWrite" (func $probeWrite (param i32 i32 i32)))
 (import "env" "keepFlags" (func $keepFlags (param i32)))
 (import "env" "getFlag" (func $getFlag (param i32) (result i32)))
 (import "env" "condition" (func $condition (param i32) (result i32)))
 (import "env" "getEflags" (func $getEflags (result i32)))
 (import "env" "raise" (func $raise (param i32 i32)))
 (import "env" "divide" (func $divide (param i32 i32 i32 i32 i32)))
 (import "env" "helper" (func $helper (param i32 i32 i32 i32 i32) (result i32)))
 (export "entry0" (func $entry0))
 (func $slow_write32 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 i32) (param $9 i32) (param $10 i32) (param $11 i32) (param $12 i32) (param $13 i32) (param $14 i32) (param $15 i32) (param $16 i32) (param $17 i32) (param $18 i32) (result i32)
  (if
   (i32.ne
    (local.get $14)
    (i32.const -1)
   )
   (then
    (i32.store offset=44
     (i32.const 0)
     (local.get $14)
    )
    (i32.store offset=48
     (i32.const 0)
     (local.get $15)
    )
    (i32.store offset=52
     (i32.const 0)
     (local.get $16)
    )
    (i32.store offset=56
     (i32.const 0)
     (local.get $17)
    )
    (i32.store offset=40
     (i32.const 0)
     (local.get $18)
    )
   )
  )
  (i32.store offset=4
   (i32.const 0)
   (local.get $7)
  )
  (i32.store offset=16
   (i32.const 0)
   (local.get $10)
  )
  (i32.store offset=300
   (i32.const 0)
   (local.get $3)
  )
  (i32.store offset=32
   (i32.const 0)
   (local.get $4)
  )
  (i32.store offset=320
   (i32.const 0)
   (local.get $5)
  )
  (return
   (call $write32
    (local.get $0)
    (local.get $1)
    (local.get $2)
   )
  )
 )
 (func $slow_read32 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 i32) (param $9 i32) (param $10 i32) (param $11 i32) (param $12 i32) (param $13 i32) (param $14 i32) (param $15 i32) (param $16 i32) (param $17 i32) (param $18 i32) (result i32)
  (if
   (i32.ne
    (local.get $14)
    (i32.const -1)
   )
   (then
    (i32.store offset=44
     (i32.const 0)
     (local.get $14)
    )
    (i32.store offset=48
     (i32.const 0)
     (local.get $15)
    )
    (i32.store offset=52
     (i32.const 0)
     (local.get $16)
    )
    (i32.store offset=56
     (i32.const 0)
     (local.get $17)
    )
    (i32.store offset=40
     (i32.const 0)
     (local.get $18)
    )
   )
  )
  (i32.store offset=4
   (i32.const 0)
   (local.get $7)
  )
  (i32.store offset=16
   (i32.const 0)
   (local.get $10)
  )
  (i32.store offset=300
   (i32.const 0)
   (local.get $3)
  )
  (i32.store offset=32
   (i32.const 0)
   (local.get $4)
  )
  (i32.store offset=320
   (i32.const 0)
   (local.get $5)
  )
  (return
   (call $read32
    (local.get $0)
    (local.get $1)
    (local.get $2)
   )
  )
 )
 (func $region_exit (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 i32) (param $9 i32) (param $10 i32) (param $11 i32) (param $12 i32) (param $13 i32) (param $14 i32) (param $15 i32) (result i32)
  (if
   (i32.ne
    (local.get $11)
    (i32.const -1)
   )
   (then
    (i32.store offset=44
     (i32.const 0)
     (local.get $11)
    )
    (i32.store offset=48
     (i32.const 0)
     (local.get $12)
    )
    (i32.store offset=52
     (i32.const 0)
     (local.get $13)
    )
    (i32.store offset=56
     (i32.const 0)
     (local.get $14)
    )
    (i32.store offset=40
     (i32.const 0)
     (local.get $15)
    )
   )
  )
  (i32.store offset=4
   (i32.const 0)
   (local.get $4)
  )
  (i32.store offset=16
   (i32.const 0)
   (local.get $7)
  )
  (i32.store offset=32
   (i32.const 0)
   (local.get $1)
  )
  (i32.store offset=320
   (i32.const 0)
   (local.get $2)
  )
  (return
   (local.get $0)
  )
 )
 (func $region (param $0 i32) (param $1 i32) (result i32)
  (local $2 i32)
  (local $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 i32)
  (local $13 i32)
  (local $14 i32)
  (local $15 i32)
  (local $16 i32)
  (local $17 i32)
  (local $18 i64)
  (local $19 i32)
  (local $20 i32)
  (local $21 i32)
  (local $22 i32)
  (local $23 i32)
  (local $24 i32)
  (local $25 i32)
  (local $26 i32)
  (local $27 i32)
  (local $28 i32)
  (local $29 i32)
  (local $30 i32)
  (local $31 i32)
  (local $32 i32)
  (local $33 i32)
  (local $34 i32)
  (local $35 i32)
  (local $36 i32)
  (local $37 i32)
  (local $38 i32)
  (local.set $6
   (i32.load
    (i32.const 0)
   )
  )
  (local.set $7
   (i32.load offset=4
    (i32.const 0)
   )
  )
  (local.set $9
   (i32.load offset=12
    (i32.const 0)
   )
  )
  (local.set $10
   (i32.load offset=16
    (i32.const 0)
   )
  )
  (local.set $2
   (i32.or
    (i32.load offset=44
     (i32.const 0)
    )
    (i32.shl
     (i32.load offset=40
      (i32.const 0)
     )
     (i32.const 16)
    )
   )
  )
  (local.set $3
   (i32.load offset=48
    (i32.const 0)
   )
  )
  (local.set $4
   (i32.load offset=52
    (i32.const 0)
   )
  )
  (local.set $5
   (i32.load offset=56
    (i32.const 0)
   )
  )
  (local.set $18
   (i64.const 4294967296)
  )
  (loop $region
   (local.set $14
    (local.get $6)
   )
   (local.set $15
    (local.get $10)
   )
   (local.set $16
    (i32.sub
     (local.get $15)
     (i32.const 4)
    )
   )
   (block $kept0
    (block $elsewhere0
     (local.set $17
      (i32.xor
       (local.get $16)
       (local.get $19)
      )
     )
     (br_if $elsewhere0
      (i64.gt_u
       (i64.xor
        (i64.extend_i32_u
         (local.get $16)
        )
        (local.get $18)
       )
       (i64.const 4092)
      )
     )
     (i32.store align=1
      (local.get $17)
      (local.get $14)
     )
     (br $kept0)
    )
    (local.set $21
     (local.get $16)
    )
    (local.set $22
     (i32.load offset=262144
      (i32.shl
       (i32.shr_u
        (local.get $21)
        (i32.const 12)
       )
       (i32.const 2)
      )
     )
    )
    (local.set $20
     (i32.and
      (local.get $22)
      (i32.const -4096)
     )
    )
    (local.set $17
     (i32.xor
      (local.get $20)
      (local.get $21)
     )
    )
    (block $done1
     (block $slow1
      (br_if $slow1
       (i32.ne
        (i32.and
         (local.get $22)
         (i32.const 18)
        )
        (i32.const 2)
       )
      )
      (br_if $slow1
       (i32.gt_u
        (i32.and
         (local.get $21)
         (i32.const 4095)
        )
        (i32.const 4092)
       )
      )
      (block
       (i32.store align=1
        (local.get $17)
        (local.get $14)
       )
       (block
        (local.set $18
         (i64.extend_i32_u
          (i32.and
           (local.get $16)
           (i32.const -4096)
          )
         )
        )
        (local.set $19
         (local.get $20)
        )
       )
      )
      (br $done1)
     )
     (if
      (call $slow_write32
       (i32.const 2)
       (local.get $16)
       (local.get $14)
       (i32.const 4096)
       (i32.const 4097)
       (i32.add
        (local.get $1)
        (i32.const 1)
       )
       (local.get $6)
       (local.get $7)
       (local.get $8)
       (local.get $9)
       (local.get $10)
       (local.get $11)
       (local.get $12)
       (local.get $13)
       (i32.and
        (local.get $2)
        (i32.const 65535)
       )
       (local.get $3)
       (local.get $4)
       (local.get $5)
       (i32.shr_u
        (local.get $2)
        (i32.const 16)
       )
      )
      (then
       (local.set $23
        (i32.const 1)
       )
      )
     )
    )
   )
   (local.set $10
    (local.get $16)
   )
   (if
    (local.get $23)
    (then
     (return
      (call $region_exit
       (i32.const 1)
       (i32.const 4097)
       (i32.add
        (local.get $1)
        (i32.const 1)
       )
       (local.get $6)
       (local.get $7)
       (local.get $8)
       (local.get $9)
       (local.get $10)
       (local.get $11)
       (local.get $12)
       (local.get $13)
       (i32.and
        (local.get $2)
        (i32.const 65535)
       )
       (local.get $3)
       (local.get $4)
       (local.get $5)
       (i32.shr_u
        (local.get $2)
        (i32.const 16)
       )
      )
     )
    )
   )
   (local.set $24
    (local.get $9)
   )
   (local.set $25
    (local.get $10)
   )
   (local.set $26
    (i32.add
     (i32.const 8)
     (local.get $25)
    )
   )
   (block $kept2
    (block $elsewhere2
     (local.set $27
      (i32.xor
       (local.get $26)
       (local.get $19)
      )
     )
     (br_if $elsewhere2
      (i64.gt_u
       (i64.xor
        (i64.extend_i32_u
         (local.get $26)
        )
        (local.get $18)
       )
       (i64.const 4092)
      )
     )
     (i32.store align=1
      (local.get $27)
      (local.get $24)
     )
     (br $kept2)
    )
    (local.set $29
     (local.get $26)
    )
    (local.set $30
     (i32.load offset=262144
      (i32.shl
       (i32.shr_u
        (local.get $29)
        (i32.const 12)
       )
       (i32.const 2)
      )
     )
    )
    (local.set $28
     (i32.and
      (local.get $30)
      (i32.const -4096)
     )
    )
    (local.set $27
     (i32.xor
      (local.get $28)
      (local.get $29)
     )
    )
    (block $done3
     (block $slow3
      (br_if $slow3
       (i32.ne
        (i32.and
         (local.get $30)
         (i32.const 18)
        )
        (i32.const 2)
       )
      )
      (br_if $slow3
       (i32.gt_u
        (i32.and
         (local.get $29)
         (i32.const 4095)
        )
        (i32.const 4092)
       )
      )
      (block
       (i32.store align=1
        (local.get $27)
        (local.get $24)
       )
       (block
        (local.set $18
         (i64.extend_i32_u
          (i32.and
           (local.get $26)
           (i32.const -4096)
          )
         )
        )
        (local.set $19
         (local.get $28)
        )
       )
      )
      (br $done3)
     )
     (if
      (call $slow_write32
       (i32.const 2)
       (local.get $26)
       (local.get $24)
       (i32.const 4097)
       (i32.const 4101)
       (i32.add
        (local.get $1)
        (i32.const 2)
       )
       (local.get $6)
       (local.get $7)
       (local.get $8)
       (local.get $9)
       (local.get $10)
       (local.get $11)
       (local.get $12)
       (local.get $13)
       (i32.and
        (local.get $2)
        (i32.const 65535)
       )
       (local.get $3)
       (local.get $4)
       (local.get $5)
       (i32.shr_u
        (local.get $2)
        (i32.const 16)
       )
      )
      (then
       (return
        (i32.const 1)
       )
      )
     )
    )
   )
   (local.set $31
    (local.get $10)
   )
   (block $kept4
    (block $elsewhere4
     (local.set $33
      (i32.xor
       (local.get $31)
       (local.get $19)
      )
     )
     (br_if $elsewhere4
      (i64.gt_u
       (i64.xor
        (i64.extend_i32_u
         (local.get $31)
        )
        (local.get $18)
       )
       (i64.const 4092)
      )
     )
     (local.set $32
      (i32.load align=1
       (local.get $33)
      )
     )
     (br $kept4)
    )
    (local.set $35
     (local.get $31)
    )
    (local.set $36
     (i32.load offset=262144
      (i32.shl
       (i32.shr_u
        (local.get $35)
        (i32.const 12)
       )
       (i32.const 2)
      )
     )
    )
    (local.set $34
     (i32.and
      (local.get $36)
      (i32.const -4096)
     )
    )
    (local.set $33
     (i32.xor
      (local.get $34)
      (local.get $35)
     )
    )
    (block $done5
     (block $slow5
      (br_if $slow5
       (i32.ne
        (i32.and
         (local.get $36)
         (i32.const 1)
        )
        (i32.const 1)
       )
      )
      (br_if $slow5
       (i32.gt_u
        (i32.and
         (local.get $35)
         (i32.const 4095)
        )
        (i32.const 4092)
       )
      )
      (block
       (local.set $32
        (i32.load align=1
         (local.get $33)
        )
       )
       (if
        (i32.eq
         (i32.and
          (local.get $36)
          (i32.const 18)
         )
         (i32.const 2)
        )
        (then
         (local.set $18
          (i64.extend_i32_u
           (i32.and
            (local.get $31)
            (i32.const -4096)
           )
          )
         )
         (local.set $19
          (local.get $34)
         )
        )
       )
      )
      (br $done5)
     )
     (local.set $32
      (call $slow_read32
       (i32.const 2)
       (local.get $31)
       (i32.const 0)
       (i32.const 4101)
       (i32.const 4102)
       (i32.add
        (local.get $1)
        (i32.const 3)
       )
       (local.get $6)
       (local.get $7)
       (local.get $8)
       (local.get $9)
       (local.get $10)
       (local.get $11)
       (local.get $12)
       (local.get $13)
       (i32.and
        (local.get $2)
        (i32.const 65535)
       )
       (local.get $3)
       (local.get $4)
       (local.get $5)
       (i32.shr_u
        (local.get $2)
        (i32.const 16)
       )
      )
     )
    )
   )
   (local.set $37
    (local.get $10)
   )
   (local.set $38
    (i32.add
     (local.get $37)
     (i32.const 4)
    )
   )
   (local.set $10
    (local.get $38)
   )
   (local.set $7
    (local.get $32)
   )
   (return
    (call $region_exit
     (i32.const 0)
     (i32.const 4102)
     (i32.add
      (local.get $1)
      (i32.const 3)
     )
     (local.get $6)
     (local.get $7)
     (local.get $8)
     (local.get $9)
     (local.get $10)
     (local.get $11)
     (local.get $12)
     (local.get $13)
     (i32.and
      (local.get $2)
      (i32.const 65535)
     )
     (local.get $3)
     (local.get $4)
     (local.get $5)
     (i32.shr_u
      (local.get $2)
      (i32.const 16)
     )
    )
   )
   (return
    (i32.const 0)
   )
  )
  (return
   (i32.const 0)
  )
 )
 (func $entry0 (result i32)
  (call $region
   (i32.const 0)
   (i32.const 0)
  )
 )
)
