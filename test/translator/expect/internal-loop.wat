;; b9 05 00 00 00 49 75 fd
(module
 (type $0 (func (param i32 i32 i32) (result i32)))
 (type $1 (func (result i32)))
 (type $2 (func (param i32) (result i32)))
 (type $3 (func (param i32 i32 i32)))
 (type $4 (func (param i32)))
 (type $5 (func (param i32 i32)))
 (type $6 (func (param i32 i32 i32 i32 i32)))
 (type $7 (func (param i32 i32 i32 i32 i32) (result i32)))
 (type $8 (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
 (type $9 (func (param i32 i32) (result i32)))
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
 (export "entry1" (func $entry1))
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
  (local.set $7
   (i32.load offset=4
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
   (block $entry1
    (block $entry0
     (br_table $entry0 $entry1 $entry0
      (local.get $0)
     )
    )
    (local.set $7
     (i32.const 5)
    )
   )
   (loop $segment1
    (local.set $14
     (local.get $7)
    )
    (local.set $15
     (i32.sub
      (local.get $14)
      (i32.const 1)
     )
    )
    (local.set $7
     (local.get $15)
    )
    (if
     (i32.and
      (local.get $2)
      (i32.const 65536)
     )
     (then
      (i32.store offset=44
       (i32.const 0)
       (i32.and
        (local.get $2)
        (i32.const 65535)
       )
      )
      (i32.store offset=48
       (i32.const 0)
       (local.get $3)
      )
      (i32.store offset=52
       (i32.const 0)
       (local.get $4)
      )
      (i32.store offset=56
       (i32.const 0)
       (local.get $5)
      )
      (i32.store offset=40
       (i32.const 0)
       (i32.shr_u
        (local.get $2)
        (i32.const 16)
       )
      )
      (call $keepFlags
       (i32.const -2261)
      )
     )
    )
    (local.set $16
     (i32.eq
      (local.get $15)
      (i32.const 0)
     )
    )
    (local.set $17
     (i32.ne
      (local.get $15)
      (i32.const 0)
     )
    )
    (if
     (local.get $17)
     (then
      (block
       (local.set $2
        (i32.const 148119553)
       )
       (local.set $3
        (local.get $15)
       )
       (local.set $4
        (local.get $14)
       )
       (local.set $5
        (i32.const 1)
       )
       (if
        (i32.ge_s
         (local.get $1)
         (i32.const 65533)
        )
        (then
         (return
          (call $region_exit
           (i32.const 0)
           (i32.const 4101)
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
       (local.set $1
        (i32.add
         (local.get $1)
         (i32.const 2)
        )
       )
       (br $segment1)
      )
     )
    )
    (return
     (call $region_exit
      (i32.const 0)
      (i32.const 4104)
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
      (i32.const 8193)
      (local.get $15)
      (local.get $14)
      (i32.const 1)
      (i32.const 2260)
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
 (func $entry1 (result i32)
  (call $region
   (i32.const 1)
   (i32.const -1)
  )
 )
)
