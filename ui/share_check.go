package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// "Check on 100 test images": the model's predicted digits on the first
// 100 test images, so a model opened from a link can be compared with the
// original one digit by digit (and, through a CRC-32 of the
// probabilities, bit for bit).

// CheckCount is how many test images the check predicts.
const CheckCount = 100

// CheckTest asks the worker for its predictions on the first test images.
func (s *ShareState) CheckTest() {
	if s.app.Worker != WorkerReady || s.app.Training == "" {
		return
	}
	s.checkID = s.id()
	s.Check = nil
	s.app.send(protocol.TestPredict{ID: s.checkID, Count: CheckCount})
}

// CheckText says how the model did: "97 of the first 100 test images
// right: 7 2 1 0 4 …".
func (s *ShareState) CheckText() string {
	c := s.Check
	if c == nil {
		return ""
	}
	digits := make([]string, min(len(c.Predicted), 20))
	for i := range digits {
		digits[i] = strconv.Itoa(c.Predicted[i])
	}
	return fmt.Sprintf("%d of the first %d test images right; it predicts %s … (probabilities' CRC-32 %08x)",
		c.Right, len(c.Predicted), strings.Join(digits, " "), c.ProbsCRC)
}

// CheckDigits, CheckCRC and CheckRight are the check for data attributes.
func (s *ShareState) CheckDigits() string {
	if s.Check == nil {
		return ""
	}
	parts := make([]string, len(s.Check.Predicted))
	for i, d := range s.Check.Predicted {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ",")
}

func (s *ShareState) CheckCRC() string {
	if s.Check == nil {
		return ""
	}
	return fmt.Sprintf("%08x", s.Check.ProbsCRC)
}

func (s *ShareState) CheckRight() string {
	if s.Check == nil {
		return ""
	}
	return strconv.Itoa(s.Check.Right)
}
