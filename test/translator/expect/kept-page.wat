;; 8b 43 08 01 43 0c
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
  (i32.store
   (i32.const 0)
   (local.get $6)
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
  (i32.store
   (i32.const 0)
   (local.get $6)
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
  (i32.store
   (i32.const 0)
   (local.get $3)
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
  (local $18 i32)
  (local $19 i32)
  (local $20 i32)
  (local $21 i64)
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
  (local.set $6
   (i32.load
    (i32.const 0)
   )
  )
  (local.set $9
   (i32.load offset=12
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
  (loop $region
   (local.set $14
    (local.get $9)
   )
   (local.set $15
    (i32.add
     (i32.const 8)
     (local.get $14)
    )
   )
   (local.set $19
    (local.get $15)
   )
   (local.set $20
    (i32.load offset=262144
     (i32.shl
      (i32.shr_u
       (local.get $19)
       (i32.const 12)
      )
      (i32.const 2)
     )
    )
   )
   (local.set $18
    (i32.and
     (local.get $20)
     (i32.const -4096)
    )
   )
   (local.set $17
    (i32.xor
     (local.get $18)
     (local.get $19)
    )
   )
   (local.set $21
    (select
     (i64.extend_i32_u
      (i32.and
       (local.get $15)
       (i32.const -4096)
      )
     )
     (i64.const 4294967296)
     (i32.eq
      (i32.and
       (local.get $20)
       (i32.const 18)
      )
      (i32.const 2)
     )
    )
   )
   (block $done0
    (block $slow0
     (br_if $slow0
      (i32.ne
       (i32.and
        (local.get $20)
        (i32.const 1)
       )
       (i32.const 1)
      )
     )
     (br_if $slow0
      (i32.gt_u
       (i32.and
        (local.get $19)
        (i32.const 4095)
       )
       (i32.const 4092)
      )
     )
     (local.set $16
      (i32.load align=1
       (local.get $17)
      )
     )
     (br $done0)
    )
    (block
     (local.set $21
      (i64.const 4294967296)
     )
     (local.set $16
      (call $slow_read32
       (i32.const 3)
       (local.get $15)
       (i32.const 0)
       (i32.const 4096)
       (i32.const 4099)
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
   (local.set $6
    (local.get $16)
   )
   (local.set $22
    (local.get $9)
   )
   (local.set $23
    (i32.add
     (i32.const 12)
     (local.get $22)
    )
   )
   (block $kept1
    (block $elsewhere1
     (local.set $25
      (i32.xor
       (local.get $23)
       (local.get $18)
      )
     )
     (br_if $elsewhere1
      (i64.gt_u
       (i64.xor
        (i64.extend_i32_u
         (local.get $23)
        )
        (local.get $21)
       )
       (i64.const 4092)
      )
     )
     (local.set $24
      (i32.load align=1
       (local.get $25)
      )
     )
     (br $kept1)
    )
    (local.set $27
     (local.get $23)
    )
    (local.set $28
     (i32.load offset=262144
      (i32.shl
       (i32.shr_u
        (local.get $27)
        (i32.const 12)
       )
       (i32.const 2)
      )
     )
    )
    (local.set $26
     (i32.and
      (local.get $28)
      (i32.const -4096)
     )
    )
    (local.set $25
     (i32.xor
      (local.get $26)
      (local.get $27)
     )
    )
    (block $done2
     (block $slow2
      (br_if $slow2
       (i32.ne
        (i32.and
         (local.get $28)
         (i32.const 18)
        )
        (i32.const 2)
       )
      )
      (br_if $slow2
       (i32.gt_u
        (i32.and
         (local.get $27)
         (i32.const 4095)
        )
        (i32.const 4092)
       )
      )
      (block
       (local.set $24
        (i32.load align=1
         (local.get $25)
        )
       )
       (block
        (local.set $21
         (i64.extend_i32_u
          (i32.and
           (local.get $23)
           (i32.const -4096)
          )
         )
        )
        (local.set $18
         (local.get $26)
        )
       )
      )
      (br $done2)
     )
     (local.set $24
      (call $slow_read32
       (i32.const 3)
       (local.get $23)
       (i32.const 1)
       (i32.const 4099)
       (i32.const 4102)
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
     )
    )
   )
   (local.set $29
    (local.get $6)
   )
   (local.set $30
    (i32.add
     (local.get $24)
     (local.get $29)
    )
   )
   (block $kept3
    (block $elsewhere3
     (local.set $31
      (i32.xor
       (local.get $23)
       (local.get $18)
      )
     )
     (br_if $elsewhere3
      (i64.gt_u
       (i64.xor
        (i64.extend_i32_u
         (local.get $23)
        )
        (local.get $21)
       )
       (i64.const 4092)
      )
     )
     (i32.store align=1
      (local.get $31)
      (local.get $30)
     )
     (br $kept3)
    )
    (local.set $33
     (local.get $23)
    )
    (local.set $34
     (i32.load offset=262144
      (i32.shl
       (i32.shr_u
        (local.get $33)
        (i32.const 12)
       )
       (i32.const 2)
      )
     )
    )
    (local.set $32
     (i32.and
      (local.get $34)
      (i32.const -4096)
     )
    )
    (local.set $31
     (i32.xor
      (local.get $32)
      (local.get $33)
     )
    )
    (block $done4
     (block $slow4
      (br_if $slow4
       (i32.ne
        (i32.and
         (local.get $34)
         (i32.const 18)
        )
        (i32.const 2)
       )
      )
      (br_if $slow4
       (i32.gt_u
        (i32.and
         (local.get $33)
         (i32.const 4095)
        )
        (i32.const 4092)
       )
      )
      (block
       (i32.store align=1
        (local.get $31)
        (local.get $30)
       )
       (block
        (local.set $21
         (i64.extend_i32_u
          (i32.and
           (local.get $23)
           (i32.const -4096)
          )
         )
        )
        (local.set $18
         (local.get $32)
        )
       )
      )
      (br $done4)
     )
     (if
      (call $slow_write32
       (i32.const 3)
       (local.get $23)
       (local.get $30)
       (i32.const 4099)
       (i32.const 4102)
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
       (local.set $35
        (i32.const 1)
       )
      )
     )
    )
   )
   (if
    (local.get $35)
    (then
     (return
      (call $region_exit
       (i32.const 1)
       (i32.const 4102)
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
       (i32.const 8192)
       (local.get $30)
       (local.get $24)
       (local.get $29)
       (i32.const 2261)
      )
     )
    )
   )
   (return
    (call $region_exit
     (i32.const 0)
     (i32.const 4102)
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
     (i32.const 8192)
     (local.get $30)
     (local.get $24)
     (local.get $29)
     (i32.const 2261)
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
