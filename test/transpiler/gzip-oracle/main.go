// Command gzip-oracle compresses inputs the way Butane does (compress/gzip at BestCompression,
// the whole content in one Write, then Close), so tests can compare our encoder with Go's byte
// for byte. With no arguments it gzips stdin to stdout. With -frames, stdin is a sequence of
// inputs, each a 4-byte little-endian length and the bytes, and stdout the gzip members framed
// the same way: one process serves a whole test.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
)

func compress(w io.Writer, in []byte) {
	z, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := z.Write(in); err != nil {
		panic(err)
	}
	if err := z.Close(); err != nil {
		panic(err)
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-frames" {
		in := bufio.NewReader(os.Stdin)
		out := bufio.NewWriter(os.Stdout)
		defer out.Flush()
		var size [4]byte
		for {
			if _, err := io.ReadFull(in, size[:]); err == io.EOF {
				return
			} else if err != nil {
				panic(err)
			}
			data := make([]byte, binary.LittleEndian.Uint32(size[:]))
			if _, err := io.ReadFull(in, data); err != nil {
				panic(err)
			}
			var member bytes.Buffer
			compress(&member, data)
			binary.LittleEndian.PutUint32(size[:], uint32(member.Len()))
			out.Write(size[:])
			out.Write(member.Bytes())
		}
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	compress(os.Stdout, in)
}
