// SE on the CPU for grad-free float32 inference, as two calls per block:
//   excite:          gate[n, c] = sigmoid(b2 + W2 relu(b1 + W1 mean_hw(x[n])))
//   scale_add_relu_: out = relu(identity + out * gate), written into out
// Eager PyTorch runs them as about eight operators per block, and at batch 1
// each one's fixed cost in cold caches (tens of microseconds) is most of
// what SE costs; the residual tail in one pass also saves the ReLU's
// separate read and write of the activation.
// Both accept NCHW-contiguous and channels_last tensors.
#include <torch/extension.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

void check(const torch::Tensor& t, const char* name, int64_t dim) {
  TORCH_CHECK(t.device().is_cpu(), name, " must be on the CPU, got ",
              t.device());
  TORCH_CHECK(t.scalar_type() == torch::kFloat32, name,
              " must be float32, got ", t.scalar_type());
  TORCH_CHECK(t.dim() == dim, name, " must have ", dim, " dimensions, got ",
              t.dim());
}

void check_contiguous(const torch::Tensor& t, const char* name) {
  TORCH_CHECK(t.is_contiguous(), name, " must be contiguous");
}

// True for channels_last, false for NCHW-contiguous; anything else fails.
bool layout(const torch::Tensor& t, const char* name) {
  if (t.is_contiguous()) return false;
  TORCH_CHECK(t.is_contiguous(at::MemoryFormat::ChannelsLast), name,
              " must be contiguous or channels_last");
  return true;
}

// ReLU that keeps NaN, as torch.relu does.
inline float relu(float v) { return v < 0.f ? 0.f : v; }

// Rows per task for a parallel loop over rows of `width` floats.
int64_t grain(int64_t width) {
  return std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(
                                                            width, 1));
}

// out[n * rows + j] = act(b[j] + w[j] . in[n]) for the N samples: a fully
// connected layer whose weight rows are each read once for all samples,
// split over the threads.
template <typename Act>
void fc(const float* w, const float* b, const float* in, float* out,
        int64_t N, int64_t rows, int64_t cols, Act act) {
  at::parallel_for(0, rows, grain(N * cols), [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      const float* row = w + j * cols;
      for (int64_t n = 0; n < N; ++n) {
        const float* v = in + n * cols;
        float acc = 0.f;
#pragma omp simd reduction(+ : acc)
        for (int64_t k = 0; k < cols; ++k) acc += row[k] * v[k];
        out[n * rows + j] = act(acc + b[j]);
      }
    }
  });
}

}  // namespace

torch::Tensor excite(const torch::Tensor& x, const torch::Tensor& w1,
                     const torch::Tensor& b1, const torch::Tensor& w2,
                     const torch::Tensor& b2) {
  check(x, "x", 4);
  check(w1, "fc1.weight", 4);
  check(b1, "fc1.bias", 1);
  check(w2, "fc2.weight", 4);
  check(b2, "fc2.bias", 1);
  for (auto* t : {&w1, &b1, &w2, &b2}) check_contiguous(*t, "SE weight");
  const bool nhwc = layout(x, "x");
  const int64_t N = x.size(0), C = x.size(1), HW = x.size(2) * x.size(3);
  const int64_t R = w1.size(0);
  TORCH_CHECK(w1.size(1) == C && w1.size(2) == 1 && w1.size(3) == 1 &&
                  b1.size(0) == R && w2.size(0) == C && w2.size(1) == R &&
                  w2.size(2) == 1 && w2.size(3) == 1 && b2.size(0) == C,
              "SE weights do not match ", C, " input channels");
  TORCH_CHECK(HW > 0, "x has no spatial positions");
  auto out = torch::empty({N, C, 1, 1}, x.options());
  const float* xp = x.data_ptr<float>();
  const float* w1p = w1.data_ptr<float>();
  const float* b1p = b1.data_ptr<float>();
  const float* w2p = w2.data_ptr<float>();
  const float* b2p = b2.data_ptr<float>();
  float* op = out.data_ptr<float>();
  std::vector<float> s(N * C, 0.f), h(N * R);
  const float scale = 1.0f / static_cast<float>(HW);
  // The squeeze reads the activation.
  if (nhwc) {  // each sample is HW rows of C: sum the rows
    at::parallel_for(0, N, 1, [&](int64_t begin, int64_t end) {
      for (int64_t n = begin; n < end; ++n) {
        float* sn = s.data() + n * C;
        for (int64_t k = 0; k < HW; ++k) {
          const float* row = xp + (n * HW + k) * C;
#pragma omp simd
          for (int64_t c = 0; c < C; ++c) sn[c] += row[c];
        }
        for (int64_t c = 0; c < C; ++c) sn[c] *= scale;
      }
    });
  } else {  // N x C rows of HW
    at::parallel_for(0, N * C, grain(HW), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const float* row = xp + i * HW;
        float acc = 0.f;
#pragma omp simd reduction(+ : acc)
        for (int64_t k = 0; k < HW; ++k) acc += row[k];
        s[i] = acc * scale;
      }
    });
  }
  fc(w1p, b1p, s.data(), h.data(), N, R, C, [](float v) { return relu(v); });
  fc(w2p, b2p, h.data(), op, N, C, R,
     [](float v) { return 1.f / (1.f + std::exp(-v)); });
  return out;
}

torch::Tensor scale_add_relu_(torch::Tensor out, const torch::Tensor& identity,
                              const torch::Tensor& gate) {
  check(out, "out", 4);
  check(identity, "identity", 4);
  check(gate, "gate", 4);
  check_contiguous(gate, "gate");
  const bool nhwc = layout(out, "out");
  TORCH_CHECK(identity.sizes() == out.sizes(), "identity's shape ",
              identity.sizes(), " differs from out's ", out.sizes());
  TORCH_CHECK(identity.strides() == out.strides(),
              "identity must have out's memory format");
  const int64_t N = out.size(0), C = out.size(1);
  const int64_t HW = out.size(2) * out.size(3);
  TORCH_CHECK(gate.size(0) == N && gate.size(1) == C && gate.size(2) == 1 &&
                  gate.size(3) == 1,
              "gate must be ", N, " x ", C, " x 1 x 1, got ", gate.sizes());
  float* op = out.data_ptr<float>();
  const float* ip = identity.data_ptr<float>();
  const float* gp = gate.data_ptr<float>();
  if (nhwc) {  // N x HW rows of C, one gate value per column
    at::parallel_for(0, N * HW, grain(C), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float* g = gp + (r / HW) * C;
        float* o = op + r * C;
        const float* id = ip + r * C;
#pragma omp simd
        for (int64_t c = 0; c < C; ++c) o[c] = relu(id[c] + o[c] * g[c]);
      }
    });
  } else {  // N x C rows of HW, one gate value per row
    at::parallel_for(0, N * C, grain(HW), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float g = gp[r];
        float* o = op + r * HW;
        const float* id = ip + r * HW;
#pragma omp simd
        for (int64_t k = 0; k < HW; ++k) o[k] = relu(id[k] + o[k] * g);
      }
    });
  }
  return out;
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("excite", &excite,
        "SE excitation (mean, FC, ReLU, FC, sigmoid) of an N x C x H x W "
        "float32 CPU tensor: the N x C x 1 x 1 gate");
  m.def("scale_add_relu_", &scale_add_relu_,
        "out = relu(identity + out * gate) in one pass, written into out");
}
