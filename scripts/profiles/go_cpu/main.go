// Command go_cpu records the pprof CPU profile committed as tests/fixtures/profiles/go_cpu.pb.gz.
//
// It spends a few seconds in three recognisable ways, each in its own function: encoding JSON per item,
// compiling a regular expression inside a loop, and hashing. Run it from this folder with
//
//	go run -trimpath main.go -out ../../../tests/fixtures/profiles/go_cpu.pb.gz -seconds 3
package main

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"runtime/pprof"
	"time"
)

type order struct {
	ID    int               `json:"id"`
	Items []string          `json:"items"`
	Attrs map[string]string `json:"attrs"`
}

var sink int

func encodeOrders(n int) {
	for i := 0; i < n; i++ {
		o := order{ID: i, Items: []string{"a", "b", "c"}, Attrs: map[string]string{"k": fmt.Sprint(i)}}
		out, err := json.Marshal(o)
		if err != nil {
			log.Fatal(err)
		}
		sink += len(out)
	}
}

func matchSkus(n int) {
	for i := 0; i < n; i++ {
		pattern := regexp.MustCompile(fmt.Sprintf(`^sku-(\d+)-%d$`, i%7))
		if pattern.MatchString(fmt.Sprintf("sku-%d-%d", i, i%7)) {
			sink++
		}
	}
}

func checksum(n int) {
	data := make([]byte, 4096)
	for i := 0; i < n; i++ {
		sum := sha256.Sum256(data)
		data[0] = sum[0]
	}
}

func main() {
	out := flag.String("out", "go_cpu.pb.gz", "where to write the CPU profile (pprof protobuf, gzip'd)")
	seconds := flag.Float64("seconds", 3, "how long to run")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	defer pprof.StopCPUProfile()
	deadline := time.Now().Add(time.Duration(*seconds * float64(time.Second)))
	for time.Now().Before(deadline) {
		encodeOrders(2000)
		matchSkus(300)
		checksum(500)
	}
	fmt.Println("sink", sink)
}
